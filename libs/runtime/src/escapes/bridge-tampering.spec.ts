// Escape corpus: poisoning the built-ins the bridge uses. The bootstrap captured every built-in it
// calls before any script ran and builds its own objects without prototypes, so a script that
// replaces JSON.stringify, Function.prototype.call, Map.prototype.get, Array.prototype methods or
// Object.prototype accessors changes its own world only; the bridge and ctx keep working.
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { LOG_LINE_CHARS } from '../sandbox-bootstrap.constant';
import { scriptErrorOf } from '../sandbox-test.util';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter, runAttack } from './escape-corpus.util';

afterEach(disposeAttacks);

const services = new RecordingBackendServices({
  catalog: (call) => ({ status: 200, body: { path: call.path } }),
  broken: () => {
    throw new Error('backend down');
  },
});

/** A handler that exercises the whole bridge: two backend calls (one failing), a log line, a response. */
const FULL_ROUND_TRIP = `export default async (request, ctx) => {
  const ok = await ctx.services.catalog.get('/a');
  const failed = await ctx.services.broken.get('/b').catch((error) => error.message);
  ctx.log('logged', { n: 1 });
  return { status: 200, headers: { 'x-kind': 'round-trip' }, body: { ok: ok.body.path, failed } };
};`;
const ROUND_TRIP_RESPONSE = { status: 200, headers: { 'x-kind': 'round-trip' }, body: { ok: '/a', failed: 'backend down' } };

async function roundTripAfter(poison: string): Promise<void> {
  const lines: string[] = [];
  const { attack, outcome } = await attackWith(`${poison}\n${FULL_ROUND_TRIP}`, { services, hooks: { onLog: (line) => lines.push(line) } });

  expect(await outcome).toEqual(ROUND_TRIP_RESPONSE);
  expect(lines).toEqual(['logged {"n":1}']);
  expect(await runAttack(attack, { services })).toEqual(ROUND_TRIP_RESPONSE); // and the poison is still in place
  expectHostIntact();
  await expectServesAfter(attack, { disposed: false });
}

describe('poisoned built-ins the bridge relies on', () => {
  it('JSON.stringify replaced to forge the serialised response: the bridge serialises with the original', async () => {
    await roundTripAfter(`JSON.stringify = () => '{"status":201,"body":"forged"}';`);
  });

  it('Function.prototype.call, apply and bind replaced: the bridge does not call through them', async () => {
    await roundTripAfter(`Function.prototype.call = Function.prototype.apply = Function.prototype.bind = function () { throw new Error('hijacked'); };`);
  });

  it('Reflect.apply replaced: the bridge holds the original', async () => {
    await roundTripAfter(`Reflect.apply = () => { throw new Error('hijacked'); };`);
  });

  it('Map.prototype.get, set and delete replaced (the bridge\'s run table): calls still settle', async () => {
    await roundTripAfter(`Map.prototype.get = () => undefined; Map.prototype.set = function () { return this; }; Map.prototype.delete = () => false;`);
  });

  it('Array.prototype.map, join and index setters poisoned: ctx.log formats its line without them', async () => {
    await roundTripAfter(`
      Array.prototype.map = function () { return { length: 1e9 }; };
      Array.prototype.join = () => 'forged line';
      for (const index of ['0', '1', '2']) Object.defineProperty(Array.prototype, index, { set() { throw new Error('setter'); }, get() { return 'forged'; }, configurable: true });`);
  });

  it('Object.prototype.get / set / value / writable (property descriptor poisoning): ctx is still built', async () => {
    await roundTripAfter(`for (const key of ['get', 'set', 'value', 'writable', 'configurable']) Object.defineProperty(Object.prototype, key, { __proto__: null, value: () => 'poison', configurable: true, writable: true });`);
  });

  it('Object.prototype.toJSON returning undefined (would blank the serialised response): the host gets the status, bodies dropped', async () => {
    // The poison removes itself after headers and body, so that the benign script that shares this realm answers normally afterwards.
    const { attack, outcome } = await attackWith(`export default () => {
      let calls = 0;
      Object.prototype.toJSON = function () { if (++calls === 2) delete Object.prototype.toJSON; return undefined; };
      return { status: 203, headers: { 'x-a': 'b' }, body: { secret: 1 } };
    };`);

    expect(await outcome).toEqual({ status: 203, headers: {}, body: undefined });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('Object.defineProperty and Object.freeze replaced before ctx is built: ctx is still frozen', async () => {
    const { attack, outcome } = await attackWith(`
      Object.defineProperty = () => { throw new Error('hijacked'); };
      Object.freeze = (object) => object;
      export default (request, ctx) => ({ status: 200, body: [Object.isFrozen(ctx), Object.isFrozen(ctx.services), Object.isFrozen(ctx.services.catalog)] });`, { services });

    expect((await outcome).body).toEqual([true, true, true]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it("ctx's shared prototype: no constructor to forge another run's ctx, an accessor that refuses other objects, and setters on Object.prototype never see ctx's own call and log", async () => {
    const { attack, outcome } = await attackWith(
      `const seen = [];
      for (const name of ['call', 'log']) {
        Object.defineProperty(Object.prototype, name, { set() { seen.push(name); }, get() { return undefined; }, configurable: true });
      }
      export default async (request, ctx) => {
        const prototype = Object.getPrototypeOf(ctx);
        const getter = Object.getOwnPropertyDescriptor(prototype, 'services').get;
        const forged = (() => { try { return getter.call({}); } catch (error) { return error.name; } })();
        const { log, call } = ctx; // taken off ctx, they still work
        log('destructured');
        const called = await call({ service: 'catalog', method: 'GET', path: '/d' });
        return { status: 200, body: {
          seen, ownKeys: Reflect.ownKeys(ctx), prototypeKeys: Reflect.ownKeys(prototype), constructor: ctx.constructor === Object,
          prototypeFrozen: Object.isFrozen(prototype), forged, called: called.body.path, services: Object.keys(ctx.services),
        } };
      };`,
      { services, hooks: { onLog: () => undefined } },
    );

    expect((await outcome).body).toEqual({
      seen: [], ownKeys: ['call', 'log'], prototypeKeys: ['services'], constructor: true,
      prototypeFrozen: true, forged: 'TypeError', called: '/d', services: ['catalog', 'broken'],
    });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('redefining frozen host-provided objects (ctx, its services) with Reflect and Object.defineProperty: refused', async () => {
    const { attack, outcome } = await attackWith(
      `export default (request, ctx) => {
        const attempts = [
          Reflect.defineProperty(ctx, 'services', { value: {} }),
          Reflect.set(ctx.services, 'catalog', {}),
          Reflect.deleteProperty(ctx.services.catalog, 'get'),
          Reflect.setPrototypeOf(ctx, { evil: true }),
          (() => { try { Object.defineProperty(ctx.services.catalog, 'get', { value: () => 'forged' }); return 'redefined'; } catch (error) { return error.name; } })(),
          (() => { try { ctx.log = () => {}; return 'replaced'; } catch (error) { return error.name; } })(),
        ];
        return { status: 200, body: attempts };
      };`,
      { services },
    );

    expect((await outcome).body).toEqual([false, false, false, false, 'TypeError', 'TypeError']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('the global Error, TypeError and Promise replaced: the bridge still creates real errors for failed calls', async () => {
    const { attack, outcome } = await attackWith(
      `const RealError = Error;
      globalThis.Error = function Fake() { return { fake: true }; };
      globalThis.TypeError = globalThis.Error;
      globalThis.Promise = function () { throw new RealError('no promises'); };
      export default async (request, ctx) => {
        const failure = await ctx.services.broken.get('/').catch((error) => error);
        const invalid = await ctx.call(null).catch((error) => error);
        return { status: 200, body: [failure instanceof RealError, failure.message, invalid instanceof RealError, invalid.message] };
      };`,
      { services },
    );

    expect((await outcome).body).toEqual([true, 'backend down', true, 'ctx.call expects { service, method, path, query?, body? }']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('String.prototype.slice poisoned and a 10 MB error message: the bridge still cuts the description', async () => {
    const { attack, outcome } = await attackWith(`export default () => { String.prototype.slice = () => 'forged'; throw new Error('x'.repeat(10_000_000)); };`, { memoryMb: 64 });

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.details.scriptStack).toHaveLength(4001);
    expect(error.message).toHaveLength('attack.js threw Error: '.length + 4000 - 'Error: '.length + 1);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('Error[Symbol.hasInstance] forged (the bridge\'s instanceof check): a thrown plain object is still described as data', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      Object.defineProperty(Error, Symbol.hasInstance, { value: () => true });
      throw { stack: 42, toString() { return 'plain object'; } };
    };`);

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw undefined: undefined');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a ctx.log line of 10 MB: the host receives it cut to the line limit', async () => {
    const lines: string[] = [];
    const { attack, outcome } = await attackWith(`export default (request, ctx) => { ctx.log('x'.repeat(10_000_000), 'tail'); return { status: 200 }; };`, {
      memoryMb: 64,
      hooks: { onLog: (line) => lines.push(line) },
    });

    await outcome;
    expect(lines).toEqual(['x'.repeat(LOG_LINE_CHARS) + '…']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
