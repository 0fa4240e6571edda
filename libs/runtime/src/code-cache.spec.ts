import { describe, expect, it } from 'vitest';
import type { CompiledRepository } from './compiled-repository.sandbox';
import { engineFingerprint } from './engine-fingerprint.util';
import { moduleCodeCacheConsumed } from './module-code-cache.util';
import { precompileScripts } from './precompile-scripts.util';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { compilerForSpec, deviceRequest, TEST_LIMITS } from './sandbox-test.util';
import type { ScriptFile } from './script-file.type';

const noServices = new RecordingBackendServices({});
const compiler = compilerForSpec({ memoryMb: TEST_LIMITS.memoryMb, produceCachedData: true });
const compile = (files: ScriptFile[], produceCachedData = true): Promise<CompiledRepository> => compiler(files, { produceCachedData });

const FILES: ScriptFile[] = [
  { path: 'lib/format.js', source: `export const format = (name) => 'hello ' + name;` },
  { path: 'hello.js', source: `import { format } from './lib/format.js';\nexport default (request) => ({ status: 200, body: format(request.params.name) });` },
];

describe('V8 code cache', () => {
  it('this isolated-vm build consumes module cached data (the vendored patch is active)', () => {
    expect(moduleCodeCacheConsumed()).toBe(true);
  });

  it('a repository compiled from source produces cached data for each script, with the JavaScript it belongs to', async () => {
    const repository = await compile(FILES);

    expect(repository.codeCache.accepted).toEqual([]);
    expect([...repository.codeCache.produced.keys()].sort()).toEqual(['hello.js', 'lib/format.js']);
    expect(repository.codeCache.produced.get('hello.js')?.javascript).toBe(FILES[1]!.source);
    expect(repository.codeCache.produced.get('hello.js')?.cachedData.byteLength).toBeGreaterThan(0);
  });

  it('another isolate compiles from the cached data, produces none, and serves the same', async () => {
    const first = await compile(FILES);
    const cached = FILES.map((file) => ({ ...file, cachedData: first.codeCache.produced.get(file.path)!.cachedData }));

    const second = await compile(cached);

    expect(second.codeCache.accepted.sort()).toEqual(['hello.js', 'lib/format.js']);
    expect(second.codeCache.rejected).toEqual([]);
    expect(second.codeCache.produced.size).toBe(0);
    expect((await second.run('hello.js', deviceRequest({ params: { name: 'tv' } }), noServices, TEST_LIMITS)).body).toBe('hello tv');
  });

  it('cached data of another source is refused: the script is compiled from its own source and fresh data replaces it', async () => {
    const first = await compile(FILES);
    const changed = `import { format } from './lib/format.js';\nexport default (request) => ({ status: 200, body: format(request.params.name).toUpperCase() });`;

    const second = await compile([FILES[0]!, { path: 'hello.js', source: changed, cachedData: first.codeCache.produced.get('hello.js')!.cachedData }]);

    expect(second.codeCache.rejected).toEqual(['hello.js']);
    expect(second.codeCache.produced.get('hello.js')?.javascript).toBe(changed);
    expect((await second.run('hello.js', deviceRequest({ params: { name: 'tv' } }), noServices, TEST_LIMITS)).body).toBe('HELLO TV');
  });

  it('precompiling produces data that a repository accepts, and skips scripts that do not compile', async () => {
    const precompiled = await precompileScripts([...FILES, { path: 'broken.js', source: 'export default (' }, { path: 'api.json', source: '{}' }]);

    expect(precompiled.map((script) => script.path).sort()).toEqual(['hello.js', 'lib/format.js']);
    const repository = await compile(FILES.map((file) => ({ ...file, cachedData: precompiled.find((script) => script.path === file.path)!.cachedData })), false);
    expect(repository.codeCache.accepted.sort()).toEqual(['hello.js', 'lib/format.js']);
    expect((await repository.run('hello.js', deviceRequest({ params: { name: 'tv' } }), noServices, TEST_LIMITS)).body).toBe('hello tv');
  });

  it('the engine fingerprint names the V8 and isolated-vm versions it is valid for', () => {
    expect(engineFingerprint()).toContain(`v8 ${process.versions.v8}`);
    expect(engineFingerprint()).toContain('isolated-vm 5.0.4-dsp.3');
  });
});
