// Inline runs: a script's first slice on the host's thread once it has earned it (see InlineGate).
// What matters: the same answers as in the isolate's thread, and a script that turns bad after
// earning it holds the host's event loop for the inline budget at most, once per repository.
import { describe, expect, it } from 'vitest';
import type { CompiledRepository } from './compiled-repository.sandbox';
import { INLINE_AFTER_CLEAN_RUNS, INLINE_BUDGET_MS, INLINE_OVERRUNS_ALLOWED, InlineGate } from './inline-gate';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { compilerForSpec, deviceRequest, longestStall, scriptErrorOf } from './sandbox-test.util';
import type { ScriptLimits } from './script-limits.type';

const LIMITS: ScriptLimits = { timeoutMs: 500, memoryMb: 32 };
const compile = compilerForSpec();
const services = new RecordingBackendServices({ catalog: (call) => ({ status: 200, body: { path: call.path } }) });
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A script that answers at once, or spins for ?spinMs, or forever with ?spin=forever, or allocates with ?allocate. */
const MOODY = {
  path: 'moody.js',
  source: `
    let runs = 0;
    export default (request) => {
      runs += 1;
      if (request.query.spin === 'forever') for (;;) {}
      const until = Date.now() + Number(request.query.spinMs ?? 0);
      while (Date.now() < until) {}
      if (request.query.allocate) { const hoard = []; for (;;) hoard.push(new Array(100000).fill(runs)); }
      return { status: 200, body: { runs } };
    };`,
};

/**
 * Runs `path` until one run went inline (pausing so that each run's slice has ended first), and
 * returns how many runs that took. On a busy machine some slices overrun the budget and start the
 * record again, hence the loop.
 */
async function earnInline(repository: CompiledRepository, gate: InlineGate, path = MOODY.path): Promise<number> {
  let runs = 0;
  while (gate.inlineRuns === 0 && runs < 50 * INLINE_AFTER_CLEAN_RUNS) {
    await repository.run(path, deviceRequest(), services, LIMITS);
    runs += 1;
    await pause(2);
  }
  expect(gate.inlineRuns).toBe(1);
  expect(runs).toBeGreaterThan(INLINE_AFTER_CLEAN_RUNS); // not before it has a record
  return runs;
}

describe('inline runs', () => {
  it('start after a record of short runs and answer as runs in the isolate thread do', async () => {
    const gate = new InlineGate('team');
    const repository = await compile([MOODY], { inline: gate });

    const runs = await earnInline(repository, gate);
    const inline = await repository.run(MOODY.path, deviceRequest(), services, LIMITS);

    expect(inline).toEqual({ status: 200, headers: {}, body: { runs: runs + 1 } });
    expect(gate.inlineRuns).toBe(2);
    expect(gate.open).toBe(true);
  });

  it('never happen without a gate', async () => {
    const gate = new InlineGate('team');
    const repository = await compile([MOODY]);
    for (let i = 0; i < INLINE_AFTER_CLEAN_RUNS * 2; i++) {
      await repository.run(MOODY.path, deviceRequest(), services, LIMITS);
      await pause(2);
    }
    expect(gate.inlineRuns).toBe(0);
  });

  it('go on in the isolate thread when the handler awaits a backend call', async () => {
    const gate = new InlineGate('team');
    const script = { path: 'calls.js', source: `export default async (request, ctx) => ({ status: 200, body: (await ctx.services.catalog.get('/items/' + request.params.id)).body });` };
    const repository = await compile([script], { inline: gate });
    await earnInline(repository, gate, script.path);

    const response = await repository.run(script.path, deviceRequest({ params: { id: '42' } }), services, LIMITS);

    expect(gate.inlineRuns).toBe(2);
    expect(response.body).toEqual({ path: '/items/42' });
    expect(services.calls.filter((call) => call.path === '/items/42')).toHaveLength(1);
  });

  it('report a handler that throws like any run, without striking the repository', async () => {
    const gate = new InlineGate('team');
    const script = { path: 'picky.js', source: `export default (request) => { if (request.query.bad) throw new TypeError('bad request'); return { status: 200, body: 'ok' }; };` };
    const repository = await compile([script], { inline: gate });
    await earnInline(repository, gate, script.path);

    const error = await scriptErrorOf(repository.run(script.path, deviceRequest({ query: { bad: '1' } }), services, LIMITS), 'script-threw');

    expect(error.message).toContain('TypeError: bad request');
    expect(gate.open).toBe(true);
    expect((await repository.run(script.path, deviceRequest(), services, LIMITS)).body).toBe('ok');
    expect(gate.inlineRuns).toBe(3);
  });

  it('stop a slice at the inline budget and run the request again in the isolate thread, under its own budget', async () => {
    const gate = new InlineGate('team');
    const repository = await compile([MOODY], { inline: gate });
    const runs = await earnInline(repository, gate);

    const { value, stallMs } = await longestStall(() => repository.run(MOODY.path, deviceRequest({ query: { spinMs: '200' } }), services, LIMITS));

    // The handler ran twice: the inline attempt that was stopped, then the run that answered.
    expect(value.body).toEqual({ runs: runs + 2 });
    expect(stallMs).toBeLessThan(100); // the handler spins 200 ms
    expect(gate.overruns).toBe(1);
    expect(gate.open).toBe(true);
    await pause(2);
    await repository.run(MOODY.path, deviceRequest(), services, LIMITS);
    expect(gate.inlineRuns).toBe(2); // the script must earn inline runs again
  });

  it(`strike a repository that overruns the budget more than ${INLINE_OVERRUNS_ALLOWED} times`, async () => {
    const gate = new InlineGate('team');
    const repository = await compile([MOODY], { inline: gate });
    for (let overrun = 1; overrun <= INLINE_OVERRUNS_ALLOWED + 1; overrun++) {
      gate.inlineRuns = 0;
      await earnInline(repository, gate);
      await repository.run(MOODY.path, deviceRequest({ query: { spinMs: String(INLINE_BUDGET_MS * 2) } }), services, LIMITS);
      expect(gate.overruns).toBe(overrun);
      expect(gate.open).toBe(overrun <= INLINE_OVERRUNS_ALLOWED);
    }
    expect(gate.struck).toMatch(new RegExp(`^timeout while running inline \\(${MOODY.path}\\): [\\d.]+ ms of CPU in [\\d.]+ ms, ${INLINE_OVERRUNS_ALLOWED + 1} times in 10 minutes$`));
    const before = gate.inlineRuns;
    for (let i = 0; i < INLINE_AFTER_CLEAN_RUNS * 2; i++) {
      await repository.run(MOODY.path, deviceRequest(), services, LIMITS);
      await pause(2);
    }
    expect(gate.inlineRuns).toBe(before);
  });

  it('hold the event loop for the inline budget at most when a script that earned them spins forever', async () => {
    const gate = new InlineGate('team');
    const repository = await compile([MOODY], { inline: gate });
    await earnInline(repository, gate);

    const { value: error, stallMs } = await longestStall(() => scriptErrorOf(repository.run(MOODY.path, deviceRequest({ query: { spin: 'forever' } }), services, LIMITS), 'script-timeout'));

    expect(error.message).toBe(`${MOODY.path} did not answer within ${LIMITS.timeoutMs} ms`);
    expect(stallMs).toBeGreaterThanOrEqual(INLINE_BUDGET_MS - 1);
    expect(stallMs).toBeLessThan(100); // the request's own budget is 500 ms
    expect(gate.overruns).toBe(1);
    expect(repository.disposed).toBe(false);
  });

  it('end in script-memory for a script that exhausts its heap', async () => {
    const gate = new InlineGate('team');
    const repository = await compile([MOODY], { inline: gate });
    await earnInline(repository, gate);

    await scriptErrorOf(repository.run(MOODY.path, deviceRequest({ query: { allocate: '1' } }), services, { ...LIMITS, timeoutMs: 5000 }), 'script-memory');

    // Stopped inline by the heap limit (a strike), or first by the inline budget (an overrun) and
    // then by the heap limit in the isolate's thread.
    expect(gate.struck !== undefined || gate.overruns === 1).toBe(true);
    expect(repository.disposed).toBe(true);
  });

  it('stay struck for the next version of the repository', async () => {
    const gate = new InlineGate('team');
    gate.strike('earlier version: timeout while running inline');
    const repository = await compile([MOODY], { inline: gate });
    for (let i = 0; i < INLINE_AFTER_CLEAN_RUNS * 2; i++) {
      await repository.run(MOODY.path, deviceRequest(), services, LIMITS);
      await pause(2);
    }
    expect(gate.inlineRuns).toBe(0);
  });

  it('that arrive in one turn of the event loop run as one batch, each answering its own request', async () => {
    const gate = new InlineGate('team');
    const script = { path: 'echo.js', source: `export default async (request) => ({ status: 200, body: { id: request.params.id } });` };
    const repository = await compile([script], { inline: gate });
    await earnInline(repository, gate, script.path);

    const ids = Array.from({ length: 20 }, (_, i) => String(i));
    const responses = await Promise.all(ids.map((id) => repository.run(script.path, deviceRequest({ params: { id } }), services, LIMITS)));

    expect(responses.map((response) => response.body)).toEqual(ids.map((id) => ({ id })));
    expect(gate.inlineRuns).toBe(1 + ids.length);
  });

  it('run again in the isolate thread when one run of their batch overruns the budget', async () => {
    const gate = new InlineGate('team');
    const script = { path: 'echo.js', source: `export default (request) => { const until = Date.now() + Number(request.query.spinMs ?? 0); while (Date.now() < until) {} return { status: 200, body: { id: request.params.id } }; };` };
    const repository = await compile([script], { inline: gate });
    await earnInline(repository, gate, script.path);

    const ids = ['a', 'b', 'c', 'd'];
    const responses = await Promise.all(ids.map((id) => repository.run(script.path, deviceRequest({ params: { id }, query: id === 'c' ? { spinMs: '60' } : {} }), services, LIMITS)));

    expect(responses.map((response) => response.body)).toEqual(ids.map((id) => ({ id })));
    expect(gate.overruns).toBe(1);
  });

  it('fall back to the isolate thread for a batch with a request that cannot be copied, which alone fails', async () => {
    const gate = new InlineGate('team');
    const script = { path: 'echo.js', source: `export default (request) => ({ status: 200, body: { id: request.params.id } });` };
    const repository = await compile([script], { inline: gate });
    await earnInline(repository, gate, script.path);

    const good = repository.run(script.path, deviceRequest({ params: { id: 'good' } }), services, LIMITS);
    const bad = repository.run(script.path, deviceRequest({ params: { id: 'bad' }, body: { callback: () => 1 } }), services, LIMITS);

    await expect(bad).rejects.toThrow(/could not be cloned|non-transferable/);
    expect((await good).body).toEqual({ id: 'good' });
    expect(gate.open).toBe(true);
  });

  it('wait briefly for a slice that holds the isolate in its own thread, then go to that thread', async () => {
    const gate = new InlineGate('team');
    const echo = { path: 'echo.js', source: `export default (request) => ({ status: 200, body: { id: request.params.id } });` };
    const slow = { path: 'slow.js', source: `export default () => { const until = Date.now() + 60; while (Date.now() < until) {} return { status: 200, body: 'slow' }; };` };
    const repository = await compile([echo, slow], { inline: gate });
    await earnInline(repository, gate, echo.path);
    await repository.run(slow.path, deviceRequest(), services, LIMITS); // loaded: the next run is one slice

    const answered: string[] = [];
    const slowRun = repository.run(slow.path, deviceRequest(), services, LIMITS).then(() => answered.push('slow'));
    await pause(10); // the slow slice is running in the isolate's thread
    const { value: echoRun, stallMs } = await longestStall(async () => {
      const run = repository.run(echo.path, deviceRequest({ params: { id: 'e' } }), services, LIMITS).then((response) => answered.push(JSON.stringify(response.body)));
      await Promise.all([slowRun, run]);
    });

    expect(echoRun).toBeUndefined();
    expect(answered).toEqual(['slow', '{"id":"e"}']); // one isolate: in turn, whichever thread runs it
    expect(gate.inlineRuns).toBe(1); // the earning run only: the echo went to the isolate's thread
    expect(stallMs).toBeLessThan(40); // the event loop never waited for the slow slice
  });

  it('are not used for runs that collect log lines', async () => {
    const gate = new InlineGate('team');
    const script = { path: 'chatty.js', source: `export default (request, ctx) => { ctx.log('hello', request.path); return { status: 200, body: 'ok' }; };` };
    const repository = await compile([script], { inline: gate });
    await earnInline(repository, gate, script.path);

    const lines: string[] = [];
    await repository.run(script.path, deviceRequest(), services, LIMITS, { onLog: (line) => lines.push(line) });

    expect(lines).toEqual(['hello /hello']);
    expect(gate.inlineRuns).toBe(1);
  });
});
