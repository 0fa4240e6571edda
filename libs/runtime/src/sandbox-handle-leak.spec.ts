// Attack scenario: a script hunts for an isolated-vm handle (Reference, ExternalCopy, ...) that
// would let it call into the host: through ctx, the values the bridge hands it, stack frames, and
// built-ins it patched to spy on the bridge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { deviceRequest, TEST_LIMITS } from './sandbox-test.util';

/** Breadth-first walk over everything reachable (own properties, accessors, prototypes) from some roots. */
const WALKER = `
const HANDLE_CLASSES = /^(Reference|ExternalCopy|Callback|Isolate|Context|Script|Module|NativeModule|Dereference|Copy)$/;
const HANDLE_METHODS = new Set(['apply', 'applySync', 'applyIgnored', 'applySyncPromise', 'derefInto', 'copyInto', 'copySync',
  'getSync', 'setSync', 'evalSync', 'evalClosureSync', 'compileModuleSync', 'createContextSync', 'instantiateSync']);
export function findHandles(roots) {
  const seen = new Set();
  const found = [];
  const queue = Object.entries(roots);
  while (queue.length > 0) {
    const [label, value] = queue.shift();
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
    seen.add(value);
    if (typeof value === 'function' && HANDLE_CLASSES.test(value.name)) found.push(label + ' is a ' + value.name);
    for (const key of Reflect.ownKeys(value)) {
      // Function.prototype and Reflect have a real 'apply'; anything else with one is suspect.
      if (HANDLE_METHODS.has(key) && value !== Function.prototype && value !== Reflect) found.push(label + '.' + String(key));
      let descriptor;
      try {
        descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      } catch (error) {
        descriptor = undefined; // isolated-vm's own objects throw here
      }
      if (descriptor === undefined) {
        found.push(label + '.' + String(key) + ' is an exotic property');
        continue;
      }
      for (const part of [descriptor.value, descriptor.get, descriptor.set]) queue.push([label + '.' + String(key), part]);
    }
    queue.push([label + '.[[Prototype]]', Reflect.getPrototypeOf(value)]);
  }
  return { found, visited: seen.size };
}
`;

let repository: CompiledRepository;
const services = new RecordingBackendServices({
  catalog: (call) => ({ status: 200, body: { path: call.path, nested: { list: [1, { deep: true }] } } }),
  broken: () => {
    throw new Error('backend failed');
  },
});

async function answerOf(script: string): Promise<unknown> {
  return (await repository.run(script, deviceRequest({ body: { some: ['request', { body: 1 }] } }), services, TEST_LIMITS)).body;
}

beforeAll(async () => {
  repository = await CompiledRepository.compile(
    [
      { path: 'walk.js', source: WALKER },
      {
        path: 'reachable.js',
        source: `import { findHandles } from './walk.js';
          export default async function (request, ctx) {
            const pending = ctx.services.catalog.get('/x');
            const result = await pending;
            const failure = await ctx.services.broken.get('/y').catch((error) => error);
            const viaCall = await ctx.call({ service: 'catalog', method: 'GET', path: '/z' });
            return { status: 200, body: findHandles({ ctx, request, args: arguments, pending, result, failure, viaCall, globalThis }) };
          };`,
      },
      {
        path: 'stack-frames.js',
        source: `// V8's structured stack traces expose the receiver and function of sloppy frames; the bridge's are strict.
          const frames = [];
          const record = () => {
            Error.prepareStackTrace = (error, callSites) => callSites;
            const callSites = new Error().stack;
            Error.prepareStackTrace = undefined;
            for (const site of callSites) frames.push({ file: String(site.getFileName()), this: typeof site.getThis(), fn: typeof site.getFunction() });
          };
          export default async (request, ctx) => {
            record();
            await ctx.services.catalog.get('/x').then(record);
            const body = { get value() { record(); return 1; }, toJSON() { record(); return { value: this.value }; } };
            ctx.log({ toJSON() { record(); return 'logged'; } });
            return { status: 200, get body() { record(); return body; } };
          };
          export const seen = () => frames;`,
      },
      {
        path: 'stack-report.js',
        source: `import { seen } from './stack-frames.js';
          export default () => ({ status: 200, body: seen().filter((frame) => !frame.file.endsWith('stack-frames.js')) });`,
      },
      {
        path: 'spy.js',
        source: `import { findHandles } from './walk.js';
          // Patch the built-ins a careless bridge would use, and record every value they are handed.
          const spied = [];
          const call = Reflect.apply;
          const spy = (owner, name) => {
            const original = owner[name];
            owner[name] = function (...args) { spied.push(this, ...args); return call(original, this, args); };
          };
          spy(Map.prototype, 'get'); spy(Map.prototype, 'set'); spy(Map.prototype, 'delete');
          spy(Promise.prototype, 'then'); spy(Array.prototype, 'join'); spy(Array.prototype, 'map');
          spy(JSON, 'stringify'); spy(Object, 'freeze'); spy(Object, 'defineProperty'); spy(Reflect, 'apply');
          for (const name of ['arguments', 'result', 'copy', 'reference', 'externalCopy', 'promise', 'timeout', 'release']) {
            Object.defineProperty(Object.prototype, name, { get() { spied.push(this); return undefined; }, set(value) { spied.push(this, value); }, configurable: true });
          }
          export default async (request, ctx) => {
            const result = await ctx.services.catalog.get('/x');
            await ctx.services.broken.get('/y').catch(() => undefined);
            ctx.log('spying', [1, 2]);
            return { status: 200, body: { result: result.status, ...findHandles({ spied }) } };
          };`,
      },
    ],
    { memoryMb: TEST_LIMITS.memoryMb },
  );
});

afterAll(() => repository.dispose());

describe('isolated-vm handles', () => {
  it('are not reachable from ctx, the request, backend results, errors or the global scope', async () => {
    const answer = (await answerOf('reachable.js')) as { found: string[]; visited: number };

    expect(answer.found).toEqual([]);
    expect(answer.visited).toBeGreaterThan(500); // the walk really went through the built-ins
  });

  it('are not exposed by stack frames of the bridge, which are strict and show neither function nor receiver', async () => {
    await answerOf('stack-frames.js');

    const frames = (await answerOf('stack-report.js')) as Array<{ file: string; this: string; fn: string }>;

    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatchObject({ this: 'undefined', fn: 'undefined' });
  });

  it('are never handed to built-ins a script patched, and the bridge keeps working', async () => {
    const answer = (await answerOf('spy.js')) as { result: number; found: string[]; visited: number };

    expect(answer.result).toBe(200);
    expect(answer.found).toEqual([]);
    expect(answer.visited).toBeGreaterThan(1);
  });
});
