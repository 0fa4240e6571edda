import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineFingerprint } from '@dsp/runtime';
import { artifactDigest, EmbeddedRegistryReadModel, EmbeddedScriptArtifacts, EmbeddedVcsReadModel, type RegistryEntry } from '@dsp/store';
import { LiveRegistry } from './live-registry';

const HELLO = `import { greet } from './lib/greet.js';\nexport default (request) => ({ status: 200, body: greet(request.params.name) });`;
const GREET = `export const greet = (name) => 'hello ' + name;`;
const ENTRY: RegistryEntry = {
  repository: 'tv',
  commit: 'c1',
  revision: 1,
  endpoints: [{ method: 'GET', path: '/tv/hello/:name', script: 'hello.js' }],
  scripts: [
    { path: 'hello.js', blob: 'b-hello' },
    { path: 'lib/greet.js', blob: 'b-greet' },
  ],
};
const REQUEST = { method: 'GET', path: '/tv/hello/tv', params: { name: 'tv' }, query: {}, headers: {}, body: null };
const NO_SERVICES = { names: () => [], call: () => Promise.reject(new Error('no services')) };

const registries: LiveRegistry[] = [];

async function vcsWithSources(): Promise<EmbeddedVcsReadModel> {
  const vcs = new EmbeddedVcsReadModel();
  await vcs.putBlobs('tv', [
    { id: 'b-hello', content: HELLO },
    { id: 'b-greet', content: GREET },
  ]);
  return vcs;
}

function node(vcs: EmbeddedVcsReadModel, artifacts: EmbeddedScriptArtifacts): LiveRegistry {
  const live = new LiveRegistry(new EmbeddedRegistryReadModel(), vcs, () => undefined, artifacts);
  registries.push(live);
  return live;
}

async function served(live: LiveRegistry): Promise<unknown> {
  const match = live.match('GET', '/tv/hello/tv');
  return (await match!.repository.compiled.run('hello.js', REQUEST, NO_SERVICES, { timeoutMs: 1000, memoryMb: 128 })).body;
}

afterEach(async () => {
  for (const live of registries.splice(0)) await live.close();
});

describe('LiveRegistry and the persisted code cache', () => {
  it('a node that finds no code cache compiles from source and stores what it produced', async () => {
    const artifacts = new EmbeddedScriptArtifacts();
    const live = node(await vcsWithSources(), artifacts);

    await live.install(ENTRY);

    expect(await served(live)).toBe('hello tv');
    expect(live.stats).toMatchObject({ compilations: 1, cacheAccepted: 0, cacheMissing: 2 });
    await vi.waitFor(async () => expect([...(await artifacts.getMany(engineFingerprint(), ['b-hello', 'b-greet'])).keys()].sort()).toEqual(['b-greet', 'b-hello']));
  });

  it('the next node loads the cached code: V8 accepts it and the committed source is not even fetched', async () => {
    const artifacts = new EmbeddedScriptArtifacts();
    const first = node(await vcsWithSources(), artifacts);
    await first.install(ENTRY);
    await vi.waitFor(async () => expect((await artifacts.getMany(engineFingerprint(), ['b-hello', 'b-greet'])).size).toBe(2));
    const vcs = await vcsWithSources();
    const getBlob = vi.spyOn(vcs, 'getBlob');

    const second = node(vcs, artifacts);
    await second.install(ENTRY);

    expect(await served(second)).toBe('hello tv');
    expect(second.stats).toMatchObject({ cacheAccepted: 2, cacheRejected: 0, cacheMissing: 0 });
    expect(getBlob).not.toHaveBeenCalled();
  });

  it('cached data V8 refuses (made for other code) is compiled from source and replaced', async () => {
    const artifacts = new EmbeddedScriptArtifacts();
    // An artifact whose code cache belongs to another script (same engine): V8's source check refuses it.
    const donor = (await import('@dsp/runtime')).precompileScripts([{ path: 'x.js', source: 'export default () => 1; // a different script of another length' }]);
    const wrongCache = (await donor)[0]!.cachedData;
    await artifacts.putMany([{ blob: 'b-hello', engine: engineFingerprint(), javascript: HELLO, cachedData: wrongCache, digest: artifactDigest(HELLO, wrongCache) }]);

    const live = node(await vcsWithSources(), artifacts);
    await live.install(ENTRY);

    expect(await served(live)).toBe('hello tv');
    expect(live.stats).toMatchObject({ cacheAccepted: 0, cacheRejected: 1, cacheMissing: 1 });
    await vi.waitFor(async () => {
      const replaced = (await artifacts.getMany(engineFingerprint(), ['b-hello'])).get('b-hello');
      expect(replaced?.cachedData.equals(wrongCache)).toBe(false);
    });
  });

  it('an unreachable code cache store does not stop a version from being served', async () => {
    const artifacts = new EmbeddedScriptArtifacts();
    vi.spyOn(artifacts, 'getMany').mockRejectedValue(new Error('cassandra timed out'));
    const warnings: string[] = [];
    const live = new LiveRegistry(new EmbeddedRegistryReadModel(), await vcsWithSources(), (message) => warnings.push(message), artifacts);
    registries.push(live);

    await live.install(ENTRY);

    expect(await served(live)).toBe('hello tv');
    expect(warnings.join('\n')).toContain('code cache of tv unavailable, compiling from source: Error: cassandra timed out');
  });
});

describe('LiveRegistry following registry changes', () => {
  it('installs the entry a change carries without reading the registry, and reads it when the change has none', async () => {
    const registry = new EmbeddedRegistryReadModel();
    await registry.put({ ...ENTRY, revision: 2 });
    const get = vi.spyOn(registry, 'get');
    const live = new LiveRegistry(registry, await vcsWithSources());
    registries.push(live);
    const { repository, commit, revision, ...entry } = ENTRY;

    await live.onChange({ repository, commit, revision, entry });
    expect(get).not.toHaveBeenCalled();
    expect(live.revisionOf('tv')).toBe(1);
    expect(await served(live)).toBe('hello tv');

    await live.onChange({ repository, commit, revision: 2 });
    expect(get).toHaveBeenCalledWith('tv');
    expect(live.revisionOf('tv')).toBe(2);
  });
});
