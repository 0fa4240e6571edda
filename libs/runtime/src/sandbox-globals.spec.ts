// Attack scenario: a script looks for host capabilities in its global scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { SANDBOX_GLOBALS } from './sandbox-bootstrap.constant';
import { deviceRequest, TEST_LIMITS } from './sandbox-test.util';

const HOST_NAMES = [
  'require', 'process', 'module', 'exports', '__dirname', '__filename', 'global', 'Buffer',
  'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'clearTimeout', 'fetch', 'XMLHttpRequest', 'WebSocket',
  'console', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'FinalizationRegistry', 'ivm', 'isolatedVm', '_ivm',
  'performance', 'structuredClone', 'TextEncoder', 'URL', 'crypto', 'Deno', 'Bun',
];

let repository: CompiledRepository;
const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: null }) });

async function probe(script: string): Promise<unknown> {
  return (await repository.run(script, deviceRequest(), services, TEST_LIMITS)).body;
}

beforeAll(async () => {
  repository = await CompiledRepository.compile([
    { path: 'names.js', source: `export default () => ({ status: 200, body: Object.getOwnPropertyNames(globalThis).sort() });` },
    { path: 'symbols.js', source: `export default () => ({ status: 200, body: Object.getOwnPropertySymbols(globalThis).map(String) });` },
    {
      path: 'proto.js',
      source: `export default () => {
        const chain = [];
        for (let p = Object.getPrototypeOf(globalThis); p !== null; p = Object.getPrototypeOf(p)) {
          chain.push(p === Object.prototype ? 'Object.prototype' : Reflect.ownKeys(p).map(String).join() + ':' + (p.constructor === Object));
        }
        return { status: 200, body: chain };
      };`,
    },
    {
      path: 'typeof.js',
      source: `export default (request) => ({ status: 200, body: Object.fromEntries(request.body.map((name) => [name, typeof globalThis[name]])) });`,
    },
    {
      path: 'free-variables.js',
      source: `export default () => ({ status: 200, body: [typeof require, typeof process, typeof module, typeof setTimeout, typeof fetch, typeof Buffer, typeof exports] });`,
    },
    {
      path: 'escape.js',
      source: `export default async (request, ctx) => {
        const viaCtx = ctx.constructor.constructor('return this')();
        const viaService = ctx.services.catalog.get.constructor('return this')();
        const viaAsync = (async () => {}).constructor('return typeof process')();
        return { status: 200, body: {
          sameGlobal: viaCtx === globalThis && viaService === globalThis,
          process: viaCtx.eval('typeof process'),
          require: new Function('return typeof require')(),
          asyncProcess: await viaAsync,
          names: Object.getOwnPropertyNames(viaCtx).length === Object.getOwnPropertyNames(globalThis).length,
        } };
      };`,
    },
    {
      path: 'dynamic-import.js',
      source: `export default async () => ({ status: 200, body: await import('fs').then(() => 'imported', (error) => 'refused: ' + error.message) });`,
    },
    { path: 'import-meta.js', source: `export default () => ({ status: 200, body: typeof import.meta.url });` },
  ], { memoryMb: TEST_LIMITS.memoryMb });
});

afterAll(() => repository.dispose());

describe('the global scope of a script', () => {
  it('holds exactly the allow-listed ECMAScript built-ins', async () => {
    expect(await probe('names.js')).toEqual([...SANDBOX_GLOBALS].sort());
    expect(await probe('symbols.js')).toEqual([]);
    // V8 puts one empty object (only a constructor, Object) between the global and Object.prototype.
    expect(await probe('proto.js')).toEqual(['constructor:true', 'Object.prototype']);
  });

  it('has none of the host\'s or the vendor\'s names', async () => {
    const types = await repository.run('typeof.js', deviceRequest({ body: HOST_NAMES }), services, TEST_LIMITS);

    expect(types.body).toEqual(Object.fromEntries(HOST_NAMES.map((name) => [name, 'undefined'])));
    expect(await probe('free-variables.js')).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  });

  it('stays the isolate\'s own global when reached through Function constructors', async () => {
    expect(await probe('escape.js')).toEqual({ sameGlobal: true, process: 'undefined', require: 'undefined', asyncProcess: 'undefined', names: true });
  });

  it('offers no dynamic import', async () => {
    expect(await probe('dynamic-import.js')).toBe('refused: Not supported');
  });

  it('gives import.meta no host information', async () => {
    expect(await probe('import-meta.js')).toBe('undefined');
  });
});
