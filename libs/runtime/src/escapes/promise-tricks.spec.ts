// Escape corpus: promise species, thenables and iterator tricks aimed at the bridge, which settles
// the handler's result and backend calls through promises and walks the service names it is given.
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { scriptErrorOf } from '../sandbox-test.util';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter, runAttack } from './escape-corpus.util';

afterEach(disposeAttacks);

const services = new RecordingBackendServices({ catalog: (call) => ({ status: 200, body: call.path }) });

describe('promise and iterator tricks', () => {
  it('Promise[Symbol.species] that throws (the bridge\'s then() would consult it): a normal response, for this and later runs', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      Object.defineProperty(Promise, Symbol.species, { configurable: true, get() { throw new Error('species hijacked'); } });
      return { status: 200, body: 'answered' };
    };`);

    expect((await outcome).body).toBe('answered');
    expect((await runAttack(attack)).body).toBe('answered');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('Promise.prototype.constructor replaced by a capturing species constructor: the bridge\'s resolvers are never handed out', async () => {
    const { attack, outcome } = await attackWith(`
      export const captured = [];
      export default async (request, ctx) => {
        function Fake(executor) { return new Promise((resolve, reject) => { captured.push(resolve, reject); executor(resolve, reject); }); }
        Fake[Symbol.species] = Fake;
        Promise.prototype.constructor = Fake;
        const result = await ctx.services.catalog.get('/x').then((value) => value); // goes through Fake
        return { status: 200, body: result.body };
      };`, { services, extraFiles: [{ path: 'count.js', source: `import { captured } from './attack.js'; export default () => ({ status: 200, body: captured.map((f) => f.toString()) });` }] });

    expect((await outcome).body).toBe('/x');
    const captured = (await runAttack(attack, { script: 'count.js' })).body as string[];
    expect(captured.length).toBeGreaterThanOrEqual(2);
    expect(new Set(captured)).toEqual(new Set(['function () { [native code] }']));
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a handler result whose then is a getter that throws: script-threw', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ get then() { throw new Error('then getter'); } });`);

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw Error: then getter');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a thenable that never calls back: script-timeout at the deadline, isolate kept', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ then() {} });`);

    const error = await scriptErrorOf(outcome, 'script-timeout');
    expect(error.message).toBe('attack.js did not answer within 150 ms');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a thenable that resolves, rejects and resolves again: the first settlement wins', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ then(resolve, reject) { resolve({ status: 200, body: 'first' }); reject(new Error('second')); resolve({ status: 500 }); } });`);

    expect(await outcome).toEqual({ status: 200, headers: {}, body: 'first' });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('Promise.prototype.then overridden before the host settles a backend call: neither await nor the bridge calls it, the run answers', async () => {
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => {
        const pending = ctx.services.catalog.get('/x');
        Promise.prototype.then = function () { throw new Error('then is mine'); };
        const result = await pending; // await does not look up then on native promises
        return { status: 200, body: result.body };
      };`,
      { services },
    );

    expect((await outcome).body).toBe('/x');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('Object.prototype.then makes every backend result a thenable: the hijack stays inside the script', async () => {
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => {
        Object.prototype.then = function (resolve) { delete Object.prototype.then; resolve({ hijacked: this.body }); };
        const result = await ctx.services.catalog.get('/x');
        return { status: 200, body: result };
      };`,
      { services },
    );

    expect((await outcome).body).toEqual({ hijacked: '/x' });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  // Each step's promise is dropped (the arrow's block body returns nothing), so the chain runs in
  // constant memory and only the clock can end it. Returning the next promise instead nests them
  // all and fills the heap: that one is a memory bomb (memory-bombs.spec.ts).
  it('an endless microtask chain: script-timeout, isolate kept', async () => {
    const { attack, outcome } = await attackWith(`export default () => { const spin = () => { Promise.resolve().then(spin); }; spin(); return new Promise(() => {}); };`);

    await scriptErrorOf(outcome, 'script-timeout');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('unhandled rejections inside the isolate: invisible to the host, the run answers', async () => {
    const { attack, outcome } = await attackWith(`export default () => { Promise.reject(new Error('nobody listens')); (async () => { throw new Error('nor here'); })(); return { status: 200, body: 'fine' }; };`);

    expect((await outcome).body).toBe('fine');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('an unhandled rejection, then a backend call awaited: the run still answers (isolated-vm reported the rejection as the failure of the call that started the run)', async () => {
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => {
        Promise.reject(new Error('nobody listens'));
        const backend = await ctx.services.catalog.get('/after');
        Promise.reject(new Error('nor after the call'));
        return { status: 200, body: backend.body };
      };`,
      { services },
    );

    expect((await outcome).body).toBe('/after');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('an async generator as the handler: its generator object is not a response (script-bad-response)', async () => {
    const { attack, outcome } = await attackWith(`export default async function* () { yield { status: 200 }; }`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    expect(error.message).toBe('attack.js answered with a bad response: status must be an integer from 100 to 599, got nothing');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('Array.prototype[Symbol.iterator] and the array iterator\'s next() poisoned: ctx.services still has exactly the host\'s services', async () => {
    const { attack, outcome } = await attackWith(
      `Array.prototype[Symbol.iterator] = function* () { yield 'admin'; };
      Object.getPrototypeOf([][Symbol.iterator]()).next = () => ({ done: false, value: 'admin' });
      export default (request, ctx) => ({ status: 200, body: Object.keys(ctx.services) });`,
      { services },
    );

    expect((await outcome).body).toEqual(['catalog']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('an async iterator protocol on the response (Symbol.asyncIterator, next): ignored, only JSON data crosses', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: { [Symbol.asyncIterator]: async function* () { yield 1; }, next: () => ({ done: true }), value: 'data' } });`);

    expect((await outcome).body).toEqual({ value: 'data' });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
