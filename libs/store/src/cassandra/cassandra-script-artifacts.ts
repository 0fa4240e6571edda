import type { Client } from 'cassandra-driver';
import { ScriptArtifact, ScriptArtifacts } from '../script-artifacts.port';
import { assertIntactDigests, hasIntactDigest } from '../script-artifact-digest.util';
import { forEachConcurrently } from '../bounded-concurrency.util';

/** Reads are small and many (a gateway loading its scripts): enough in flight to hide latency, not enough to flood a node. */
const READ_CONCURRENCY = 64;
/** Writes carry code caches (tens of KB to MBs each): fewer in flight bounds the memory and the coordinator's load. */
const WRITE_CONCURRENCY = 16;

const SELECT = 'SELECT javascript, cached_data, digest FROM script_artifacts WHERE blob = ? AND engine = ?';
const INSERT = 'INSERT INTO script_artifacts (blob, engine, javascript, cached_data, digest, written_at) VALUES (?, ?, ?, ?, ?, ?)';

/**
 * Script artifacts in `script_artifacts` (migration 0007), one partition per blob. getMany runs one
 * prepared single-partition query per blob rather than an IN over partition keys, so no coordinator
 * fans out a thousand-partition read and a slow replica delays only its own blobs. putMany runs
 * prepared inserts: artifacts of one call are of different blobs, so different partitions, and an
 * unlogged batch across partitions would only add coordinator work (and trip batch size limits with
 * code caches of tens of KB).
 */
export class CassandraScriptArtifacts extends ScriptArtifacts {
  constructor(private readonly client: Client) {
    super();
  }

  async getMany(engine: string, blobs: readonly string[]): Promise<Map<string, ScriptArtifact>> {
    const found = new Map<string, ScriptArtifact>();
    await forEachConcurrently([...new Set(blobs)], READ_CONCURRENCY, async (blob) => {
      const row = (await this.client.execute(SELECT, [blob, engine], { prepare: true })).first();
      if (!row) return;
      const [javascript, cachedData, digest] = [row.get('javascript') as unknown, row.get('cached_data') as unknown, row.get('digest') as unknown];
      // A column nulled or of the wrong type is damage as much as a digest mismatch is.
      const artifact = typeof javascript === 'string' && Buffer.isBuffer(cachedData) && typeof digest === 'string' ? { blob, engine, javascript, cachedData, digest } : null;
      if (!artifact || !hasIntactDigest(artifact)) {
        this.damaged += 1;
        return;
      }
      found.set(blob, artifact);
    });
    return found;
  }

  async putMany(artifacts: readonly ScriptArtifact[]): Promise<void> {
    assertIntactDigests(artifacts);
    // One write per (engine, blob), the last given: concurrent writes of one row would race.
    const latest = new Map(artifacts.map((artifact) => [JSON.stringify([artifact.engine, artifact.blob]), artifact]));
    const writtenAt = new Date();
    await forEachConcurrently([...latest.values()], WRITE_CONCURRENCY, async (artifact) => {
      await this.client.execute(INSERT, [artifact.blob, artifact.engine, artifact.javascript, artifact.cachedData, artifact.digest, writtenAt], { prepare: true });
    });
  }
}
