// Escape corpus: CPU bombs in every place script code can run: the handler, regular expressions,
// comparators, getters and traps the bridge or the serialisers call, ctx.log formatting. Each ends
// its own request with script-timeout within the budget, and the isolate keeps serving.
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { scriptErrorOf } from '../sandbox-test.util';
import { ATTACK_LIMITS, attackWith, disposeAttacks, expectHostIntact, expectServesAfter } from './escape-corpus.util';

afterEach(disposeAttacks);

/** How late past its budget a timed-out request may be reported, on a loaded CI machine. */
const SLACK_MS = 600;

async function expectTimesOut(source: string, options: Parameters<typeof attackWith>[1] = {}): Promise<void> {
  const started = performance.now();
  const { attack, outcome } = await attackWith(source, options);

  const error = await scriptErrorOf(outcome, 'script-timeout');

  expect(error.message).toBe(`attack.js did not answer within ${ATTACK_LIMITS.timeoutMs} ms`);
  expect(performance.now() - started).toBeLessThan(ATTACK_LIMITS.timeoutMs + SLACK_MS);
  expectHostIntact();
  await expectServesAfter(attack, { disposed: false });
}

const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: 'x' }) });

describe('CPU bombs', () => {
  it('catastrophic regular-expression backtracking (ReDoS)', async () => {
    await expectTimesOut(`export default () => ({ status: 200, body: /^(a+)+$/.test('a'.repeat(64) + '!') });`);
  });

  it('a sort comparator that never returns', async () => {
    await expectTimesOut(`export default () => ({ status: 200, body: [3, 1, 2].sort(() => { for (;;) {} }) });`);
  });

  it('a random, inconsistent comparator re-sorting 50 000 elements forever', async () => {
    await expectTimesOut(`export default () => { const a = Array.from({ length: 50000 }, (_, i) => i); for (;;) a.sort(() => Math.random() - 0.5); };`);
  });

  it('a loop in a getter the backend-call serialiser reads', async () => {
    await expectTimesOut(`export default async (request, ctx) => { await ctx.services.catalog.post('/', { get spin() { for (;;) {} } }); };`, { services });
  });

  it('a loop in a toJSON that ctx.log formats', async () => {
    await expectTimesOut(`export default (request, ctx) => { ctx.log({ toJSON() { for (;;) {} } }); };`, { hooks: { onLog: () => undefined } });
  });

  it('a loop in a Proxy trap the bridge hits while checking the response', async () => {
    await expectTimesOut(`export default () => ({ status: 200, body: new Proxy({}, { ownKeys() { for (;;) {} } }) });`);
  });

  it('a loop after a resolved backend call, inside a then callback', async () => {
    await expectTimesOut(`export default (request, ctx) => ctx.services.catalog.get('/').then(() => { for (;;) {} });`, { services });
  });

  it('a loop in eval\'d code', async () => {
    await expectTimesOut(`export default () => eval('for (;;) {}');`);
  });

  it('a generator driven forever', async () => {
    await expectTimesOut(`function* endless() { for (;;) yield 1; } export default () => { for (const x of endless()) {} };`);
  });

  it('a busy string builder that stays under the memory limit', async () => {
    await expectTimesOut(`export default () => { for (;;) { let s = ''; for (let i = 0; i < 1000; i++) s += i; } };`);
  });
});
