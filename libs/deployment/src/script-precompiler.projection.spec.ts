import { describe, expect, it, vi } from 'vitest';
import type { EventEnvelope } from '@dsp/contracts';
import { CompiledRepository, engineFingerprint } from '@dsp/runtime';
import { EmbeddedScriptArtifacts } from '@dsp/store';
import { ScriptPrecompilerProjection } from './script-precompiler.projection';

function commitCreated(written: { path: string; blob: string; content: string }[]): EventEnvelope {
  return {
    stream: 'repository-tv',
    revision: 1,
    type: 'CommitCreated',
    version: 1,
    recordedAt: new Date().toISOString(),
    data: {
      repository: 'tv',
      commit: 'c'.repeat(40),
      tree: 't'.repeat(40),
      parents: [],
      author: { name: 'a', email: 'a@example.com', timestamp: 0, timezoneOffset: 0 },
      committer: { name: 'a', email: 'a@example.com', timestamp: 0, timezoneOffset: 0 },
      message: 'm',
      written,
      deleted: [],
      trees: {},
      treeObjects: [],
    },
  };
}

const HELLO_TS = `import { greet } from './greet.js';\nexport default (request: { params: { name: string } }) => ({ status: 200, body: greet(request.params.name) });`;
const GREET_TS = `export const greet = (name: string): string => 'hello ' + name;`;

describe('ScriptPrecompilerProjection', () => {
  it('stores, per committed script blob, its JavaScript and a code cache that a repository then accepts', async () => {
    const artifacts = new EmbeddedScriptArtifacts();
    const projection = new ScriptPrecompilerProjection(artifacts);

    await projection.apply(
      commitCreated([
        { path: 'hello.ts', blob: 'b-hello', content: HELLO_TS },
        { path: 'greet.ts', blob: 'b-greet', content: GREET_TS },
        { path: 'dsp.json', blob: 'b-manifest', content: '{}' },
      ]),
    );

    const stored = await artifacts.getMany(engineFingerprint(), ['b-hello', 'b-greet', 'b-manifest']);
    expect([...stored.keys()].sort()).toEqual(['b-greet', 'b-hello']);
    expect(stored.get('b-greet')?.javascript).not.toContain(': string');
    const repository = await CompiledRepository.compile(
      [
        { path: 'hello.ts', source: HELLO_TS, javascript: stored.get('b-hello')!.javascript, cachedData: stored.get('b-hello')!.cachedData },
        { path: 'greet.ts', source: GREET_TS, javascript: stored.get('b-greet')!.javascript, cachedData: stored.get('b-greet')!.cachedData },
      ],
      { memoryMb: 32 },
    );
    try {
      expect(repository.codeCache.accepted.sort()).toEqual(['greet.ts', 'hello.ts']);
      const response = await repository.run('hello.ts', { method: 'GET', path: '/', params: { name: 'tv' }, query: {}, headers: {}, body: null }, { names: () => [], call: () => Promise.reject(new Error('none')) }, { timeoutMs: 1000, memoryMb: 32 });
      expect(response.body).toBe('hello tv');
    } finally {
      repository.dispose();
    }
  });

  it('compiles a blob once: a blob that already has code cache for this engine is left alone', async () => {
    const artifacts = new EmbeddedScriptArtifacts();
    const projection = new ScriptPrecompilerProjection(artifacts);
    await projection.apply(commitCreated([{ path: 'a.js', blob: 'b-a', content: 'export default () => 1;' }]));
    const putMany = vi.spyOn(artifacts, 'putMany');

    await projection.apply(commitCreated([{ path: 'a.js', blob: 'b-a', content: 'export default () => 1;' }, { path: 'b.js', blob: 'b-b', content: 'export default () => 2;' }]));

    expect(putMany).toHaveBeenCalledTimes(1);
    expect(putMany.mock.calls[0]![0].map((artifact) => artifact.blob)).toEqual(['b-b']);
  });

  it('a script that does not compile is skipped, and a failing store never fails the projection', async () => {
    const artifacts = new EmbeddedScriptArtifacts();
    const projection = new ScriptPrecompilerProjection(artifacts);

    await projection.apply(commitCreated([{ path: 'broken.js', blob: 'b-broken', content: 'export default (' }, { path: 'bad.ts', blob: 'b-bad', content: 'const x: = 1;' }]));
    expect((await artifacts.getMany(engineFingerprint(), ['b-broken', 'b-bad'])).size).toBe(0);

    vi.spyOn(artifacts, 'getMany').mockRejectedValue(new Error('cassandra down'));
    await expect(projection.apply(commitCreated([{ path: 'a.js', blob: 'b-a', content: 'export default () => 1;' }]))).resolves.toBeUndefined();
  });
});
