// Escape corpus: V8's stack-trace API as a way out. Error.prepareStackTrace hands a script the
// call sites of every frame on the stack, including the bridge's; getThis() / getFunction() of a
// sloppy frame would hand over its receiver and function. The bridge is strict, so they give
// nothing; and a prepareStackTrace that throws or spins only fails its own request.
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { scriptErrorOf } from '../sandbox-test.util';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter } from './escape-corpus.util';

afterEach(disposeAttacks);

/** Script-side: every call site on the stack, except the script's own frames. */
const CALL_SITES = `
export const frames = [];
export const record = () => {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, sites) => sites;
  const sites = new Error('probe').stack;
  Error.prepareStackTrace = previous;
  for (const site of sites) {
    const file = String(site.getFileName());
    if (file.endsWith('attack.js')) continue;
    frames.push({ this: typeof site.getThis(), fn: typeof site.getFunction(), eval: typeof site.getEvalOrigin() });
  }
};`;

const services = new RecordingBackendServices({
  catalog: () => ({ status: 200, body: { ok: true } }),
  broken: () => {
    throw new Error('backend down');
  },
});

describe('stack traces as a way out', () => {
  it('prepareStackTrace in a handler the bridge invoked: the bridge\'s frames show neither receiver nor function', async () => {
    const { attack, outcome } = await attackWith(`${CALL_SITES} export default () => { record(); return { status: 200, body: frames }; };`);

    const frames = (await outcome).body as unknown[];
    expect(frames.length).toBeGreaterThan(0);
    expect(new Set(frames.map((frame) => JSON.stringify(frame)))).toEqual(new Set([JSON.stringify({ this: 'undefined', fn: 'undefined', eval: 'undefined' })]));
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('prepareStackTrace in code resumed by a backend call\'s settlement (the host-driven path) exposes nothing either', async () => {
    const { attack, outcome } = await attackWith(
      `${CALL_SITES} export default async (request, ctx) => {
        await ctx.services.catalog.get('/').then(record);
        await ctx.services.broken.get('/').catch(record);
        return { status: 200, body: frames };
      };`,
      { services },
    );

    for (const frame of (await outcome).body as unknown[]) expect(frame).toEqual({ this: 'undefined', fn: 'undefined', eval: 'undefined' });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('Error.captureStackTrace in a toJSON the bridge calls while serialising: only strict frames, nothing to grab', async () => {
    const { attack, outcome } = await attackWith(`
      const holder = {};
      export default () => ({ status: 200, body: { toJSON() {
        Error.prepareStackTrace = (error, sites) => sites.map((site) => [typeof site.getThis(), typeof site.getFunction(), site.isNative()]);
        Error.captureStackTrace(holder);
        const sites = holder.stack;
        Error.prepareStackTrace = undefined;
        return sites.slice(1);
      } } });`);

    const sites = (await outcome).body as unknown[];
    expect(sites.length).toBeGreaterThan(0);
    for (const site of sites) expect(site).toEqual(['undefined', 'undefined', false]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a prepareStackTrace that throws when the bridge describes the thrown error: script-threw, described safely', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      Error.prepareStackTrace = () => { throw new Error('no stack for you'); };
      throw new Error('boom');
    };`);

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw a value that cannot be described');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a prepareStackTrace that never returns when the bridge describes the thrown error: script-timeout, isolate kept', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      Error.prepareStackTrace = () => { for (;;) {} };
      throw new Error('boom');
    };`);

    await scriptErrorOf(outcome, 'script-timeout');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a stack trace with Error.stackTraceLimit = Infinity through deep recursion: the description is cut to 4000 characters', async () => {
    const { attack, outcome } = await attackWith(`export default () => {
      Error.stackTraceLimit = Infinity;
      const dive = (n) => (n === 0 ? (() => { throw new Error('deep'); })() : dive(n - 1));
      dive(5000);
    };`);

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw Error: deep');
    expect(error.details.scriptStack).toHaveLength(4001);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('an error thrown while loading whose stack getter never returns: script-timeout, the repository is given up, a fresh one serves', async () => {
    const { attack, outcome } = await attackWith(`
      const error = new Error('load');
      Object.defineProperty(error, 'stack', { get() { for (;;) {} } });
      Object.defineProperty(error, 'message', { get() { for (;;) {} } });
      throw error;
      export default () => ({ status: 200 });`);

    await scriptErrorOf(outcome, 'script-timeout');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: true });
  });

  it('call sites of a sloppy function the script made itself do show it: confinement, not censorship, is what holds', async () => {
    const { attack, outcome } = await attackWith(`
      const sloppy = new Function('return (function () { Error.prepareStackTrace = (e, s) => s; const s = new Error().stack; Error.prepareStackTrace = undefined; return s[0].getThis() === globalThis && typeof s[0].getFunction(); })');
      export default () => ({ status: 200, body: sloppy()() });`);

    expect((await outcome).body).toBe('function');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
