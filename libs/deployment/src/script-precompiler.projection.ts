/**
 * Compiles every newly committed script once, ahead of the API nodes: its JavaScript (TypeScript
 * transpiled) and V8's code cache are stored per blob and engine, so a gateway installing a
 * version, or starting cold, loads code instead of compiling it. Runs before the registry
 * projection announces a deployment, so the cache is there when gateways look.
 *
 * Best effort: a script that cannot be precompiled is compiled by the gateway, which stores what
 * it produced. A failure here never holds up the projections.
 */
import { Injectable, Logger } from '@nestjs/common';
import type { EventEnvelope } from '@dsp/contracts';
import { engineFingerprint, isScriptPath, precompileScripts, transpileScripts, type ScriptFile } from '@dsp/runtime';
import { artifactDigest, ScriptArtifacts, type ScriptArtifact } from '@dsp/store';
import { toRepositoryEvent } from '@dsp/vcs';

@Injectable()
export class ScriptPrecompilerProjection {
  private readonly logger = new Logger('ScriptPrecompiler');

  constructor(private readonly artifacts: ScriptArtifacts) {}

  async apply(envelope: EventEnvelope): Promise<void> {
    const event = toRepositoryEvent(envelope);
    if (event.type !== 'CommitCreated') return;
    const scripts = event.data.written.filter((file) => isScriptPath(file.path));
    if (scripts.length === 0) return;
    try {
      await this.precompile(scripts);
    } catch (error) {
      this.logger.warn(`could not precompile the scripts of ${event.data.repository}@${event.data.commit.slice(0, 12)}: ${String(error)}`);
    }
  }

  /** Stores artifacts for the blobs that have none yet for this engine; returns how many were stored. */
  async precompile(scripts: readonly { path: string; blob: string; content: string }[]): Promise<number> {
    const engine = engineFingerprint();
    const known = await this.artifacts.getMany(engine, scripts.map((script) => script.blob));
    const missing = scripts.filter((script) => !known.has(script.blob));
    if (missing.length === 0) return 0;
    // TypeScript comes out as JavaScript (`source`); a script with a syntax error is left out.
    const { files } = transpileScripts(missing.map((script): ScriptFile => ({ path: script.path, source: script.content })));
    const precompiled = await precompileScripts(files);
    const blobOf = new Map(missing.map((script) => [script.path, script.blob]));
    const stored: ScriptArtifact[] = precompiled.flatMap(({ path, javascript, cachedData }) => {
      const blob = blobOf.get(path);
      return blob === undefined ? [] : [{ blob, engine, javascript, cachedData, digest: artifactDigest(javascript, cachedData) }];
    });
    await this.artifacts.putMany(stored);
    return stored.length;
  }
}
