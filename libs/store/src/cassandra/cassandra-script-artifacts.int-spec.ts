/** The ScriptArtifacts contract against a real Cassandra, in a keyspace of its own (dropped afterwards). */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomName } from '@dsp/testing';
import { artifactDigest } from '../script-artifact-digest.util';
import { describeScriptArtifactsContract } from '../script-artifacts.contract';
import { cassandraStorageForSpec } from './cassandra-storage-test.util';

const opened = cassandraStorageForSpec();

describeScriptArtifactsContract('cassandra', () => ({
  artifacts: opened().artifacts,
  damage: async (engine, blob, cachedData) => {
    await opened().client.execute('UPDATE script_artifacts SET cached_data = ? WHERE blob = ? AND engine = ?', [cachedData, blob, engine], { prepare: true });
  },
}));

describe('CassandraScriptArtifacts: rows damaged beyond a digest mismatch', () => {
  it('treats a row whose cached_data or javascript is null as damaged, not as an error', async () => {
    const { artifacts, client } = opened();
    const engine = randomName('engine');
    const [noCache, noJavascript] = [randomBytes(20).toString('hex'), randomBytes(20).toString('hex')];
    const cachedData = Buffer.from([0x00, 0xff, 0x10]);
    const javascript = 'export default 1;\n';
    await artifacts.putMany([noCache, noJavascript].map((blob) => ({ blob, engine, javascript, cachedData, digest: artifactDigest(javascript, cachedData) })));
    await client.execute('UPDATE script_artifacts SET cached_data = null WHERE blob = ? AND engine = ?', [noCache, engine], { prepare: true });
    await client.execute('UPDATE script_artifacts SET javascript = null WHERE blob = ? AND engine = ?', [noJavascript, engine], { prepare: true });

    const before = artifacts.damaged;
    expect(await artifacts.getMany(engine, [noCache, noJavascript])).toEqual(new Map());
    expect(artifacts.damaged).toBe(before + 2);
  });
});
