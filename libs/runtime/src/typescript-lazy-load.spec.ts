// Gateways must start fast: the TypeScript compiler (some 9 MB) is loaded on the first TypeScript
// script, never by importing the runtime or by compiling JavaScript. Its own file, so that its
// forked process has loaded nothing else; the tests run in order and the second one shows that the
// probe does see the compiler once it is loaded.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkScripts, CompiledRepository } from '@dsp/runtime';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { deviceRequest, TEST_LIMITS } from './sandbox-test.util';

const loadedTypeScript = (): string[] => Object.keys(createRequire(__filename).cache).filter((path) => path.includes('/node_modules/typescript/'));

describe('loading the TypeScript compiler', () => {
  it('does not happen when the runtime is imported and JavaScript is checked, compiled and run', async () => {
    const files = [
      { path: 'hello.js', source: `import { n } from './lib/n.js';\nexport default () => ({ status: 200, body: n });` },
      { path: 'lib/n.js', source: `export const n = 1;` },
      { path: 'types.d.ts', source: `export interface N { n: number }` },
    ];
    expect(checkScripts(files)).toEqual([]);
    const repository = await CompiledRepository.compile(files, { memoryMb: TEST_LIMITS.memoryMb });
    const response = await repository.run('hello.js', deviceRequest(), new RecordingBackendServices({}), TEST_LIMITS);
    repository.dispose();

    expect(response.body).toBe(1);
    expect(loadedTypeScript()).toEqual([]);
  });

  it('happens on the first TypeScript script', () => {
    expect(checkScripts([{ path: 'hello.ts', source: `export default (): number => 1;` }])).toEqual([]);

    expect(loadedTypeScript()).toContain(createRequire(__filename).resolve('typescript'));
  });
});
