// Escape corpus: V8 built-ins that run without checking for interrupts, so isolated-vm's timeout
// and dispose() cannot stop them, and of which some abort the whole process (a V8 "invalid size"
// or out-of-memory fatal error, isolated-vm issues #107, #137, #198, #202). Before the bootstrap
// guarded them, each scenario below crashed the host process or left an isolate thread spinning
// forever. Each now fails its own request; what still slips through (huge strings) wedges only its
// isolate, which the host gives up so the repository recompiles and serves again.
import { pollUntil } from '@dsp/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BUILTIN_ELEMENTS, MAX_JSON_TEXT_CHARS } from '../sandbox-bootstrap.constant';
import { scriptErrorOf } from '../sandbox-test.util';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter, MEMORY_BOMB_LIMITS } from './escape-corpus.util';

afterEach(disposeAttacks);

async function expectRefused(expression: string, message: string): Promise<void> {
  const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: ${expression} });`);

  const error = await scriptErrorOf(outcome, 'script-threw');

  expect(error.message).toBe(`attack.js threw RangeError: ${message}`);
  expectHostIntact();
  await expectServesAfter(attack, { disposed: false });
}

const LIMIT = `exceeds the sandbox limit of ${MAX_BUILTIN_ELEMENTS}`;

/** True when this process used less than a fifth of a core over 100 ms: no isolate thread is spinning. */
async function processIsIdle(): Promise<boolean> {
  const before = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 < 20;
}

describe('built-ins V8 runs without interruption', () => {
  it('new Array(1e9).fill(0) (was: fatal out-of-memory abort of the host process)', async () => {
    await expectRefused('new Array(1e9).fill(0).length', `Array.prototype.fill on 1000000000 elements ${LIMIT}`);
  });

  it('[].indexOf.call({ length: 2 ** 53 - 1 }) (was: an isolate thread spinning for good; V8 never checks for interrupts in that loop)', async () => {
    await expectRefused('[].indexOf.call({ length: 2 ** 53 - 1 }, 1)', `Array.prototype.indexOf on 9007199254740991 elements ${LIMIT}`);
  });

  it('Array.prototype.join on a sparse array of length 2 ** 32 - 1 (was: minutes in one uninterruptible call)', async () => {
    await expectRefused('(() => { const a = []; a.length = 2 ** 32 - 1; return a.join(); })()', `Array.prototype.join on 4294967295 elements ${LIMIT}`);
  });

  it('Array.from({ length: 1e9 }) (was: minutes in one uninterruptible call)', async () => {
    await expectRefused('Array.from({ length: 1e9 }).length', `Array.from of 1000000000 elements ${LIMIT}`);
  });

  it.each([
    ['Math.max.apply(null, new Array(2 ** 26))', 'Function.prototype.apply'],
    ['Reflect.apply(Math.max, null, new Array(2 ** 26))', 'Reflect.apply'],
  ])('%s (was: stuck building a 67-million-entry argument list)', async (expression, method) => {
    await expectRefused(expression, `${method} with 67108864 arguments ${LIMIT}`);
  });

  it('Object.keys of a 2 ** 28-character string (was: stuck materialising 268 million keys)', async () => {
    await expectRefused("Object.keys('x'.repeat(2 ** 28)).length", `Object.keys of a string of 268435456 characters ${LIMIT}`);
  });

  it('JSON.parse of a 268-million-character array text (was: fatal "invalid size" abort of the host process)', async () => {
    await expectRefused("JSON.parse('[' + '1,'.repeat(0x7fffffd) + '1]').length", `JSON.parse of 268435453 characters exceeds the sandbox limit of ${MAX_JSON_TEXT_CHARS}`);
  });

  it("'1'.repeat(0x7ffffff).split('') (was: fatal \"invalid size\" abort): the split stops at the limit, the flattened string costs the isolate", async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: '1'.repeat(0x7ffffff).split('').length });`, { limits: MEMORY_BOMB_LIMITS });

    await scriptErrorOf(outcome, 'script-memory');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: true });
  });

  it('the guards leave ordinary use alone: a million elements, split with a limit, JSON.parse, apply, and the built-ins keep their shape', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: [
      new Array(${MAX_BUILTIN_ELEMENTS}).fill(1).reduce((a, b) => a + b, 0),
      'a,b,c'.split(',', 2), 'abc'.split(''), JSON.parse('{"a":[1]}', (k, v) => v), Math.max.apply(null, [1, 3, 2]),
      [Array.prototype.map.name, Array.prototype.map.length, String.prototype.split.name, JSON.parse.length, 'prototype' in Array.prototype.map],
    ] });`);

    expect((await outcome).body).toEqual([MAX_BUILTIN_ELEMENTS, ['a', 'b'], ['a', 'b', 'c'], { a: [1] }, 3, ['map', 1, 'split', 2, false]]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a huge-string conversion V8 will not interrupt (wedges the isolate past its timeout): the request times out, the host gives the isolate up, a fresh compilation serves', async () => {
    const { attack, outcome } = await attackWith(
      `export default () => { const s = 'x'.repeat(2 ** 25); for (let i = 0; i < 16; i++) s.toLocaleUpperCase('tr'); return { status: 200 }; };`,
      { memoryMb: 128, limits: { timeoutMs: 100, memoryMb: 128 } },
    );

    await scriptErrorOf(outcome, 'script-timeout');
    // The watchdog notices the isolate overran its slice by the grace and gives it up.
    await pollUntil(() => attack.repository.disposed, { timeoutMs: 5000, intervalMs: 20, description: 'the wedged isolate to be given up' });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: true });
    // The given-up thread finishes its uninterruptible call on its own; wait for it, so that it does
    // not eat the CPU of the test files that run after this one.
    await pollUntil(processIsIdle, { timeoutMs: 25_000, intervalMs: 0, description: 'the wedged isolate thread to stop' });
  }, 30_000);

  // Residuals that only out-of-process isolates would contain; not run here because each would
  // leave this file's process with a thread spinning for minutes or abort it.
});
