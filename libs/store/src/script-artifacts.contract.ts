/**
 * The ScriptArtifacts port's contract, run against every adapter. Blob ids and engines are random,
 * so runs sharing a keyspace never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomName } from '@dsp/testing';
import { artifactDigest } from './script-artifact-digest.util';
import type { ScriptArtifact, ScriptArtifacts } from './script-artifacts.port';

export interface ScriptArtifactsUnderTest {
  artifacts: ScriptArtifacts;
  /** Overwrites one stored row's cachedData behind the adapter's back, leaving its digest as it was. */
  damage(engine: string, blob: string, cachedData: Buffer): Promise<void>;
}

const blobId = (): string => randomBytes(20).toString('hex');
const engineId = (): string => `v8 12.4.254.21-node.33; isolated-vm 5.0.4; --no-lazy ${randomName('engine')}`;

function artifact(engine: string, blob: string, javascript: string, cachedData: Buffer): ScriptArtifact {
  return { blob, engine, javascript, cachedData, digest: artifactDigest(javascript, cachedData) };
}

type Comparable = Record<string, Omit<ScriptArtifact, 'cachedData'> & { cachedData: string }>;

/**
 * What getMany found, keyed as it was, cached data as hex: compares the same bytes as `toEqual` on
 * buffers, but in milliseconds rather than seconds for a 1 MB cache.
 */
function asFound(found: Map<string, ScriptArtifact>): Comparable {
  return Object.fromEntries([...found].map(([blob, a]) => [blob, { ...a, cachedData: a.cachedData.toString('hex') }]));
}

function asExpected(...artifacts: ScriptArtifact[]): Comparable {
  return asFound(new Map(artifacts.map((a) => [a.blob, a])));
}

/** Every byte value, with 0x00 and 0xff at both ends (where a text or C-string codec would trim them). */
const allBytes = Buffer.concat([Buffer.from([0x00, 0xff]), Buffer.from(Array.from({ length: 256 }, (_, i) => i)), Buffer.from([0xff, 0x00])]);

export function describeScriptArtifactsContract(name: string, open: () => Promise<ScriptArtifactsUnderTest> | ScriptArtifactsUnderTest): void {
  describe(`ScriptArtifacts contract: ${name}`, () => {
    let store: ScriptArtifacts;
    let damage: ScriptArtifactsUnderTest['damage'];

    beforeAll(async () => {
      ({ artifacts: store, damage } = await open());
    });

    it('returns exactly what was written: binary cached data byte for byte, a 1 MB cache, non-ASCII JavaScript, an empty script', async () => {
      const engine = engineId();
      const binary = artifact(engine, blobId(), 'export default () => "Grüße 🌍 \u0000 after a NUL";\n', allBytes);
      const large = artifact(engine, blobId(), 'export const big = 1;\n', randomBytes(1024 * 1024));
      const empty = artifact(engine, blobId(), '', Buffer.alloc(0));
      await store.putMany([binary, large, empty]);

      const found = await store.getMany(engine, [binary.blob, large.blob, empty.blob]);
      expect(asFound(found)).toEqual(asExpected(binary, large, empty));
      expect(found.get(binary.blob)?.cachedData.equals(allBytes)).toBe(true);
      expect(found.get(large.blob)?.cachedData.equals(large.cachedData)).toBe(true);
    });

    it('leaves out blobs it has no artifact for', async () => {
      const engine = engineId();
      const stored = artifact(engine, blobId(), 'export default 1;\n', Buffer.from([1, 2, 3]));
      await store.putMany([stored]);
      const missing = blobId();
      expect(asFound(await store.getMany(engine, [missing, stored.blob]))).toEqual(asExpected(stored));
      expect(asFound(await store.getMany(engine, [missing]))).toEqual({});
    });

    it('keeps artifacts per engine: another engine finds nothing, and each engine its own', async () => {
      const [older, newer, unknown] = [engineId(), engineId(), engineId()];
      const blob = blobId();
      const forOlder = artifact(older, blob, 'export default 1;\n', Buffer.from('cache of the older engine'));
      const forNewer = artifact(newer, blob, 'export default 1;\n', Buffer.from('cache of the newer engine'));
      await store.putMany([forOlder]);
      expect(asFound(await store.getMany(newer, [blob]))).toEqual({});

      await store.putMany([forNewer]);
      expect(asFound(await store.getMany(older, [blob]))).toEqual(asExpected(forOlder));
      expect(asFound(await store.getMany(newer, [blob]))).toEqual(asExpected(forNewer));
      expect(asFound(await store.getMany(unknown, [blob]))).toEqual({});
    });

    it('replaces an artifact, and writing the same one again changes nothing', async () => {
      const [engine, blob] = [engineId(), blobId()];
      const first = artifact(engine, blob, 'export default 1;\n', Buffer.from('first'));
      const second = artifact(engine, blob, 'export default 2;\n', Buffer.from('second, longer than the first'));
      await store.putMany([first]);
      await store.putMany([second]);
      expect(asFound(await store.getMany(engine, [blob]))).toEqual(asExpected(second));

      await store.putMany([second]);
      expect(asFound(await store.getMany(engine, [blob]))).toEqual(asExpected(second));
    });

    it('never hands out a damaged row: it is absent, counted in `damaged`, and a new write heals it', async () => {
      const engine = engineId();
      const victim = artifact(engine, blobId(), 'export default 1;\n', allBytes);
      const intact = artifact(engine, blobId(), 'export default 2;\n', Buffer.from('intact'));
      await store.putMany([victim, intact]);
      // Same length, one byte flipped: the damage a torn or rotted write leaves.
      const flipped = Buffer.from(allBytes);
      flipped[100] = (flipped[100] ?? 0) ^ 0x01;
      await damage(engine, victim.blob, flipped);

      const before = store.damaged;
      expect(asFound(await store.getMany(engine, [victim.blob, intact.blob, victim.blob]))).toEqual(asExpected(intact));
      expect(store.damaged).toBe(before + 1);

      await store.putMany([victim]);
      expect(asFound(await store.getMany(engine, [victim.blob]))).toEqual(asExpected(victim));
      expect(store.damaged).toBe(before + 1);
    });

    it('refuses a batch holding an artifact whose digest does not match, and writes none of it', async () => {
      const engine = engineId();
      const good = artifact(engine, blobId(), 'export default 1;\n', Buffer.from('good'));
      const bad = { ...artifact(engine, blobId(), 'export default 2;\n', Buffer.from('bad')), cachedData: Buffer.from('not what was digested') };
      await expect(store.putMany([good, bad])).rejects.toMatchObject({ code: 'script-artifact-digest-mismatch', blob: bad.blob, retriable: false });
      expect(asFound(await store.getMany(engine, [good.blob, bad.blob]))).toEqual({});
    });

    it('answers an empty request with an empty map, and an empty write with nothing', async () => {
      await store.putMany([]);
      expect(asFound(await store.getMany(engineId(), []))).toEqual({});
    });

    it('answers a request naming a blob several times with one entry for it', async () => {
      const engine = engineId();
      const [a, b] = [artifact(engine, blobId(), 'export const a = 1;\n', Buffer.from('a')), artifact(engine, blobId(), 'export const b = 1;\n', Buffer.from('b'))];
      await store.putMany([a, b]);
      const found = await store.getMany(engine, [a.blob, a.blob, b.blob, a.blob]);
      expect(found.size).toBe(2);
      expect(asFound(found)).toEqual(asExpected(a, b));
    });

    it('writes and finds every one of 300 artifacts in one call each (more than any adapter runs at once)', async () => {
      const engine = engineId();
      const many = Array.from({ length: 300 }, (_, i) => artifact(engine, blobId(), `export default ${i};\n`, randomBytes(64 + i)));
      await store.putMany(many);
      const found = await store.getMany(engine, [...many.map((a) => a.blob), blobId()]);
      expect(asFound(found)).toEqual(asExpected(...many));
    });

    it('is not changed through buffers it was given or has handed out', async () => {
      const [engine, blob] = [engineId(), blobId()];
      const written = artifact(engine, blob, 'export default 1;\n', Buffer.from('original cache'));
      const expected = { ...written, cachedData: Buffer.from(written.cachedData) };
      await store.putMany([written]);
      written.cachedData.fill(0);
      (await store.getMany(engine, [blob])).get(blob)?.cachedData.fill(0);
      expect(asFound(await store.getMany(engine, [blob]))).toEqual(asExpected(expected));
    });
  });
}
