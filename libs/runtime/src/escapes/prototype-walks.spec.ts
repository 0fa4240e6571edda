// Escape corpus: prototype walks to the host (the classic vm / vm2 escape). Every object a script
// can touch lives in the isolate's own realm, so `x.constructor.constructor` is the isolate's
// Function, whose global has no process, require or host object.
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter, runAttack } from './escape-corpus.util';

afterEach(disposeAttacks);

/** Script-side probe: what a Function constructor reached from `root` can see. */
const PROBE = `
const reach = (root) => {
  const F = root.constructor.constructor;
  const global = F('return this')();
  return {
    sameGlobal: global === globalThis,
    process: F('return typeof process')(),
    require: F('return typeof require')(),
    processViaThrow: (() => { try { return F('return process')(); } catch (error) { return error.name + ': ' + error.message; } })(),
  };
};`;
const CONFINED = { sameGlobal: true, process: 'undefined', require: 'undefined', processViaThrow: 'ReferenceError: process is not defined' };

const services = new RecordingBackendServices({
  catalog: () => ({ status: 200, body: { title: 'host data', list: [1, 2] } }),
  broken: () => {
    throw new Error('backend down');
  },
});

describe('prototype walks to the host', () => {
  it('from ctx (ctx.constructor.constructor) reach only the isolate\'s global', async () => {
    const { attack, outcome } = await attackWith(`${PROBE} export default (request, ctx) => ({ status: 200, body: reach(ctx) });`);

    expect((await outcome).body).toEqual(CONFINED);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('from a ctx service method (a bridge function) reach only the isolate\'s global', async () => {
    const { attack, outcome } = await attackWith(`${PROBE} export default (request, ctx) => ({ status: 200, body: reach(ctx.services.catalog.get) });`, { services });

    expect((await outcome).body).toEqual(CONFINED);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('from the request and its nested values reach only the isolate\'s global', async () => {
    const { attack, outcome } = await attackWith(`${PROBE} export default (request) => ({ status: 200, body: [reach(request), reach(request.headers), reach(request.body.list)] });`, {
      request: { headers: { 'x-device': 'tv' }, body: { list: [1] } },
    });

    expect((await outcome).body).toEqual([CONFINED, CONFINED, CONFINED]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('from a backend call\'s result and its body reach only the isolate\'s global', async () => {
    const { attack, outcome } = await attackWith(
      `${PROBE} export default async (request, ctx) => { const result = await ctx.services.catalog.get('/'); return { status: 200, body: [reach(result), reach(result.body.list)] }; };`,
      { services },
    );

    expect((await outcome).body).toEqual([CONFINED, CONFINED]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('from the error of a failed backend call reach only the isolate\'s global', async () => {
    const { attack, outcome } = await attackWith(
      `${PROBE} export default async (request, ctx) => { const error = await ctx.services.broken.get('/').catch((e) => e); return { status: 200, body: { message: error.message, reach: reach(error) } }; };`,
      { services },
    );

    expect((await outcome).body).toEqual({ message: 'backend down', reach: CONFINED });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('from the promise a backend call returns reach only the isolate\'s global', async () => {
    const { attack, outcome } = await attackWith(
      `${PROBE} export default async (request, ctx) => { const pending = ctx.services.catalog.get('/'); const body = reach(pending); await pending; return { status: 200, body }; };`,
      { services },
    );

    expect((await outcome).body).toEqual(CONFINED);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('from an error the engine throws (TypeError of null.x) reach only the isolate\'s global', async () => {
    const { attack, outcome } = await attackWith(`${PROBE} export default () => { try { null.x; } catch (error) { return { status: 200, body: reach(error) }; } };`);

    expect((await outcome).body).toEqual(CONFINED);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('through async, generator and async generator function constructors find no host names', async () => {
    const { attack, outcome } = await attackWith(`export default async () => ({ status: 200, body: [
      await (async () => {}).constructor('return typeof process')(),
      (function* () {}).constructor('yield typeof require')().next().value,
      (await (async function* () {}).constructor('yield typeof Buffer')().next()).value,
    ] });`);

    expect((await outcome).body).toEqual(['undefined', 'undefined', 'undefined']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('through Symbol.species on a request array: the species constructor only ever sees isolate values', async () => {
    const { attack, outcome } = await attackWith(
      `${PROBE} export default (request) => {
        const seen = [];
        class Spy extends Array { static get [Symbol.species]() { seen.push(this); return Spy; } }
        Object.setPrototypeOf(request.body, Spy.prototype);
        const mapped = request.body.map((x) => x * 2);
        return { status: 200, body: { mapped: [...mapped], speciesCalls: seen.length, reach: reach(mapped) } };
      };`,
      { request: { body: [1, 2, 3] } },
    );

    expect((await outcome).body).toEqual({ mapped: [2, 4, 6], speciesCalls: 1, reach: CONFINED });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('through a sloppy getter the bridge calls while serialising the response: .caller shows no bridge function', async () => {
    const { attack, outcome } = await attackWith(
      `export const seen = {};
      const sloppyGetter = new Function('seen', 'return function getter() { seen.caller = getter.caller === null ? "null" : typeof getter.caller; seen.callee = typeof arguments.callee.caller; return "body"; };');
      export default () => {
        const response = { status: 200 };
        Object.defineProperty(response, 'body', { get: sloppyGetter(seen), enumerable: true });
        return response;
      };`,
      { extraFiles: [{ path: 'report.js', source: `import { seen } from './attack.js'; export default () => ({ status: 200, body: seen });` }] },
    );

    expect((await outcome).body).toBe('body');
    expect((await runAttack(attack, { script: 'report.js' })).body).toEqual({ caller: 'null', callee: 'object' });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
