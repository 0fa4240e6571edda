// Escape corpus: throwing things that are not Errors, or Errors rigged to fight whoever describes
// them. The bridge describes a thrown value inside the isolate, as text, under the request's
// budget; the host receives a string in a ScriptError, never the value.
import { afterEach, describe, expect, it } from 'vitest';
import { scriptErrorOf } from '../sandbox-test.util';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter } from './escape-corpus.util';

afterEach(disposeAttacks);

async function expectThrewMessage(source: string, message: string): Promise<void> {
  const { attack, outcome } = await attackWith(source);

  const error = await scriptErrorOf(outcome, 'script-threw');

  expect(error.message).toBe(message);
  expect(typeof error.details.scriptStack === 'string' || error.details.scriptStack === undefined).toBe(true);
  expectHostIntact();
  await expectServesAfter(attack, { disposed: false });
}

describe('thrown values', () => {
  it('throw null', async () => {
    await expectThrewMessage(`export default () => { throw null; };`, 'attack.js threw null');
  });

  it('throw undefined from an async handler (a rejection with nothing)', async () => {
    await expectThrewMessage(`export default async () => { throw undefined; };`, 'attack.js threw undefined');
  });

  it('throw a Symbol', async () => {
    await expectThrewMessage(`export default () => { throw Symbol('not a string'); };`, 'attack.js threw Symbol(not a string)');
  });

  it('throw an object whose every accessor and conversion throws', async () => {
    await expectThrewMessage(
      `export default () => { throw { get stack() { throw 1; }, get message() { throw 2; }, get name() { throw 3; }, toString() { throw 4; }, [Symbol.toPrimitive]() { throw 5; } }; };`,
      'attack.js threw a value that cannot be described',
    );
  });

  it('throw a Proxy whose every trap throws', async () => {
    await expectThrewMessage(`export default () => { throw new Proxy(function () {}, new Proxy({}, { get: () => () => { throw new Error('trap'); } })); };`, 'attack.js threw a value that cannot be described');
  });

  it('throw a revoked Proxy', async () => {
    await expectThrewMessage(`export default () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); throw proxy; };`, 'attack.js threw a value that cannot be described');
  });

  it('throw an Error subclass whose name and message are getters returning objects', async () => {
    await expectThrewMessage(
      `class Odd extends Error { get name() { return { toString: () => 'Odd' }; } } export default () => { const e = new Odd('m'); Object.defineProperty(e, 'stack', { value: undefined }); throw e; };`,
      'attack.js threw Odd: m',
    );
  });

  it('reject with a function', async () => {
    await expectThrewMessage(`export default () => Promise.reject(() => 'a function');`, "attack.js threw () => 'a function'");
  });

  it('a stack getter that never returns on a thrown Error: script-timeout, isolate kept', async () => {
    const { attack, outcome } = await attackWith(`export default () => { const e = new Error('x'); Object.defineProperty(e, 'stack', { get() { for (;;) {} } }); throw e; };`);

    await scriptErrorOf(outcome, 'script-timeout');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a non-Error thrown while the module loads (a string with line breaks)', async () => {
    const { attack, outcome } = await attackWith(`throw 'first line\\nsecond line';\nexport default () => ({ status: 200 });`);

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw while loading: first line\nsecond line');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a 10 MB message thrown while the module loads: cut before it reaches the host\'s error', async () => {
    const { attack, outcome } = await attackWith(`throw new Error('x'.repeat(10_000_000));\nexport default () => ({ status: 200 });`, { memoryMb: 64 });

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe(`attack.js threw while loading: Error: ${'x'.repeat(4000 - 'Error: '.length)}…`);
    expect(error.details.scriptStack?.length).toBe(4001);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
