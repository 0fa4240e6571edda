// Escape corpus: live values at the boundary. A response crosses to the host only as JSON text the
// bridge produced inside the isolate, and a backend call only as a structured copy: getters,
// proxies, toJSON, toPrimitive and cycles run (or fail) in the isolate, and the host receives
// plain data or a ScriptError, never a live object.
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { scriptErrorOf } from '../sandbox-test.util';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter } from './escape-corpus.util';

afterEach(disposeAttacks);

function isPlainData(value: unknown): boolean {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return Object.getPrototypeOf(value) === Array.prototype && value.every(isPlainData);
  if (typeof value !== 'object') return false;
  const descriptors = Object.getOwnPropertyDescriptors(value);
  return Object.getPrototypeOf(value) === Object.prototype && Object.values(descriptors).every((d) => 'value' in d && isPlainData(d.value));
}

describe('values crossing the boundary', () => {
  it('a response body that is a Proxy whose every trap throws: script-bad-response', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: new Proxy({}, new Proxy({}, { get: () => () => { throw new Error('trap'); } })) });`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    expect(error.message).toBe('attack.js answered with a bad response: the response cannot be serialised as JSON: trap');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a response that is a Proxy answering each read differently: read once, the host gets plain data', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      let reads = 0;
      return new Proxy({}, { get: (target, key) => key === 'then' ? undefined : key === 'status' ? (reads++ === 0 ? 201 : 999) : key === 'body' ? { reads } : undefined });
    };`);

    const response = await outcome;
    expect(response).toEqual({ status: 201, headers: {}, body: { reads: 0 } }); // body is read before status, each exactly once
    expect(isPlainData(response.body)).toBe(true);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a Proxy that revokes itself while the bridge resolves it: script-bad-response, not a hung request', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      const { proxy, revoke } = Proxy.revocable({}, { get: (target, key) => { if (key === 'then') revoke(); return undefined; } });
      return proxy;
    };`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    expect(error.message).toContain("Cannot perform 'IsArray' on a proxy that has been revoked");
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a toJSON that never returns: script-timeout, isolate kept', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: { toJSON() { for (;;) {} } } });`);

    await scriptErrorOf(outcome, 'script-timeout');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a toJSON that returns a cyclic structure: script-bad-response', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: { toJSON() { const a = [1]; a.push({ a }); return a; } } });`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    expect(error.message).toContain('the response cannot be serialised as JSON: Converting circular structure to JSON');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('functions, symbols, undefined, accessors and class instances in the body: the host gets their plain JSON form', async () => {
    const { attack, outcome } = await attackWith(`
      class Secret { constructor() { this.kept = 1; } get hidden() { return 'getter on prototype'; } reveal() {} }
      export default () => {
        const body = { fn() {}, [Symbol('s')]: 1, gone: undefined, list: [() => 1, undefined, Symbol('t')], instance: new Secret(), date: new Date(0), map: new Map([[1, 2]]), re: /x/g };
        Object.defineProperty(body, 'hidden', { value: 'not enumerable', enumerable: false });
        Object.defineProperty(body, 'computed', { get: () => 'computed once', enumerable: true });
        return { status: 200, body };
      };`);

    const response = await outcome;
    expect(response.body).toEqual({ list: [null, null, null], instance: { kept: 1 }, date: '1970-01-01T00:00:00.000Z', map: {}, re: {}, computed: 'computed once' });
    expect(isPlainData(response.body)).toBe(true);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a BigInt nested in the body: script-bad-response', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: { deep: [{ n: 2n ** 70n }] } });`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    expect(error.message).toContain('Do not know how to serialize a BigInt');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a status with Symbol.toPrimitive / valueOf: serialised as data, refused by the host\'s validation', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: { [Symbol.toPrimitive]: () => 200, valueOf: () => 200 }, body: 1 });`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    expect(error.message).toBe('attack.js answered with a bad response: status must be an integer from 100 to 599, got {}');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a Number-object status whose valueOf lies: JSON reads it once, the host validates the number it got', async () => {
    const { attack, outcome } = await attackWith(`export default () => { let calls = 0; const status = new Number(200); status.valueOf = () => (calls++ === 0 ? 700 : 200); return { status, body: 1 }; };`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    expect(error.message).toBe('attack.js answered with a bad response: status must be an integer from 100 to 599, got 700');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('__proto__ and constructor keys in the body and the headers: own data on the host, Object.prototype unpolluted', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({
      status: 200,
      headers: JSON.parse('{"__proto__": "x", "constructor": "y", "x-ok": "z"}'),
      body: JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
    });`);

    const response = await outcome;
    expect(Object.getPrototypeOf(response.body)).toBe(Object.prototype);
    expect(Object.keys(response.body as object)).toEqual(['__proto__', 'constructor']);
    expect(JSON.stringify(response.body)).toBe('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    expect(response.headers).toEqual({ constructor: 'y', 'x-ok': 'z' });
    expect(Object.getPrototypeOf(response.headers)).toBe(Object.prototype);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it.each([['content-length'], ['Transfer-Encoding'], ['connection'], ['upgrade']])(
    'a %s header (framing the server owns, response splitting): script-bad-response',
    async (name) => {
      const { attack, outcome } = await attackWith(`export default () => ({ status: 200, headers: { ${JSON.stringify(name)}: '0' }, body: 'smuggled' });`);

      const error = await scriptErrorOf(outcome, 'script-bad-response');
      expect(error.message).toBe(`attack.js answered with a bad response: header ${name} is set by the server, not by scripts`);
      expectHostIntact();
      await expectServesAfter(attack, { disposed: false });
    },
  );

  it('a Proxy as a backend call\'s body: the call is refused inside the isolate and never reaches the host', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: null }) });
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => ({ status: 200, body: await ctx.services.catalog.post('/x', new Proxy({}, {})).catch((e) => e.message) });`,
      { services },
    );

    expect((await outcome).body).toBe('the backend call cannot be sent: #<Object> could not be cloned.');
    expect(services.calls).toEqual([]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a backend call whose query and body carry getters and __proto__ keys: the host receives a plain copy', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: null }) });
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => {
        const query = JSON.parse('{"__proto__": {"admin": "1"}}');
        Object.defineProperty(query, 'page', { get() { return '2'; }, enumerable: true });
        const body = JSON.parse('{"__proto__": {"polluted": true}, "n": 1}');
        await ctx.services.catalog.post('/x', body, { query });
        return { status: 200 };
      };`,
      { services },
    );

    await outcome;
    const [call] = services.calls;
    expect(call).toEqual({ service: 'catalog', method: 'POST', path: '/x', query: JSON.parse('{"__proto__": {"admin": "1"}, "page": "2"}'), body: JSON.parse('{"__proto__": {"polluted": true}, "n": 1}') });
    expect(Object.keys(call?.query ?? {})).toEqual(['__proto__', 'page']);
    expect(Object.getPrototypeOf(call?.body)).toBe(Object.prototype);
    expect(Object.keys(call?.body as object)).toEqual(['__proto__', 'n']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a call object whose getters answer each read differently: the host receives the strings the bridge validated', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: null }) });
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => {
        let reads = 0;
        const call = { get service() { return reads++ === 0 ? 'catalog' : { toString() { return 'admin'; } }; }, method: 'GET', get path() { return reads++ < 3 ? '/ok' : 3; } };
        const result = await ctx.call(call);
        return { status: 200, body: { status: result.status, reads } };
      };`,
      { services },
    );

    expect((await outcome).body).toEqual({ status: 200, reads: 2 });
    expect(services.calls).toEqual([{ service: 'catalog', method: 'GET', path: '/ok', query: undefined, body: undefined }]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a backend result the host cannot copy into the isolate (a function in the body): the script gets a rejection', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: { callback: () => 'host function' } }) });
    const { attack, outcome } = await attackWith(`export default async (request, ctx) => ({ status: 200, body: await ctx.services.catalog.get('/').then(() => 'resolved', (e) => e.message) });`, { services });

    expect((await outcome).body).toMatch(/^the result of the backend call cannot be passed to the script: .*could not be cloned/);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
