import { ScriptArtifact, ScriptArtifacts } from '../script-artifacts.port';
import { assertIntactDigests, hasIntactDigest } from '../script-artifact-digest.util';

/** Rows by engine, then by blob. */
export type EmbeddedScriptArtifactRows = Map<string, Map<string, ScriptArtifact>>;

/**
 * Script artifacts in memory (single-process mode). Unbounded: one entry per (engine, blob) ever
 * written, which a single process bounds in practice by running one engine over the scripts it
 * serves. Buffers are copied in and out, so no caller can change a stored row by mutating its own.
 * `rows` may be passed in (tests reach it to damage a row).
 */
export class EmbeddedScriptArtifacts extends ScriptArtifacts {
  constructor(private readonly rows: EmbeddedScriptArtifactRows = new Map()) {
    super();
  }

  async getMany(engine: string, blobs: readonly string[]): Promise<Map<string, ScriptArtifact>> {
    const found = new Map<string, ScriptArtifact>();
    const byBlob = this.rows.get(engine);
    if (!byBlob) return found;
    for (const blob of new Set(blobs)) {
      const row = byBlob.get(blob);
      if (!row) continue;
      if (!hasIntactDigest(row)) {
        this.damaged += 1;
        continue;
      }
      found.set(blob, copyOf(row));
    }
    return found;
  }

  async putMany(artifacts: readonly ScriptArtifact[]): Promise<void> {
    assertIntactDigests(artifacts);
    for (const artifact of artifacts) {
      let byBlob = this.rows.get(artifact.engine);
      if (!byBlob) this.rows.set(artifact.engine, (byBlob = new Map()));
      byBlob.set(artifact.blob, copyOf(artifact));
    }
  }
}

function copyOf(artifact: ScriptArtifact): ScriptArtifact {
  return { blob: artifact.blob, engine: artifact.engine, javascript: artifact.javascript, cachedData: Buffer.from(artifact.cachedData), digest: artifact.digest };
}
