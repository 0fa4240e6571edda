// Attack scenario: a script spins forever, before or after awaiting a backend call, or while
// its module loads. The request fails with script-timeout within its budget, and the node serves on.
import { afterEach, describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { deviceRequest, scriptErrorOf } from './sandbox-test.util';
import type { ScriptLimits } from './script-limits.type';

const LIMITS: ScriptLimits = { timeoutMs: 150, memoryMb: 32 };
/** How late past its budget a timed-out request may be reported, on a loaded CI machine. */
const SLACK_MS = 400;

const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: { ok: true } }) });
const opened: CompiledRepository[] = [];

async function compile(files: Array<{ path: string; source: string }>): Promise<CompiledRepository> {
  const repository = await CompiledRepository.compile(files, { memoryMb: LIMITS.memoryMb });
  opened.push(repository);
  return repository;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const value = await work;
  return { value, elapsedMs: performance.now() - started };
}

afterEach(() => {
  for (const repository of opened.splice(0)) repository.dispose();
});

const HEALTHY = { path: 'healthy.js', source: `export default () => ({ status: 200, body: 'still serving' });` };

describe('a script that never stops', () => {
  it('in its first slice fails with script-timeout within its budget, and the isolate keeps serving', async () => {
    const repository = await compile([{ path: 'spin.js', source: `export default () => { for (;;) {} };` }, HEALTHY]);

    const { value: error, elapsedMs } = await timed(scriptErrorOf(repository.run('spin.js', deviceRequest(), services, LIMITS), 'script-timeout'));

    expect(elapsedMs).toBeGreaterThanOrEqual(LIMITS.timeoutMs - 5);
    expect(elapsedMs).toBeLessThan(LIMITS.timeoutMs + SLACK_MS);
    expect(error.message).toBe('spin.js did not answer within 150 ms');
    expect(repository.disposed).toBe(false);
    expect((await repository.run('healthy.js', deviceRequest(), services, LIMITS)).body).toBe('still serving');
  });

  it('after awaiting a backend call is cut off too, without disposing the isolate', async () => {
    const repository = await compile([
      { path: 'spin-later.js', source: `export default async (r, ctx) => { await ctx.services.catalog.get('/x'); while (true) {} };` },
      HEALTHY,
    ]);

    const { elapsedMs } = await timed(scriptErrorOf(repository.run('spin-later.js', deviceRequest(), services, LIMITS), 'script-timeout'));

    expect(elapsedMs).toBeLessThan(LIMITS.timeoutMs + SLACK_MS);
    expect(repository.disposed).toBe(false);
    expect((await repository.run('healthy.js', deviceRequest(), services, LIMITS)).body).toBe('still serving');
  });

  it('while the response is being serialised (a getter) is cut off as well', async () => {
    const repository = await compile([{ path: 'spin-getter.js', source: `export default async () => ({ status: 200, get body() { for (;;) {} } });` }, HEALTHY]);

    await scriptErrorOf(repository.run('spin-getter.js', deviceRequest(), services, LIMITS), 'script-timeout');

    expect((await repository.run('healthy.js', deviceRequest(), services, LIMITS)).body).toBe('still serving');
  });

  it('does not hold up other requests of the same repository beyond its own budget', async () => {
    const repository = await compile([{ path: 'spin.js', source: `export default () => { for (;;) {} };` }, HEALTHY]);

    const [spin, healthy] = await Promise.allSettled([
      repository.run('spin.js', deviceRequest(), services, LIMITS),
      timed(repository.run('healthy.js', deviceRequest(), services, { ...LIMITS, timeoutMs: 1000 })),
    ]);

    expect(spin.status).toBe('rejected');
    expect(healthy).toMatchObject({ status: 'fulfilled', value: { value: { body: 'still serving' } } });
  });

  it('while its module loads fails with script-timeout and marks the repository disposed; a fresh compilation serves again', async () => {
    const files = [{ path: 'spin-load.js', source: `for (;;) {}\nexport default () => ({ status: 200 });` }, HEALTHY];
    const repository = await compile(files);

    await scriptErrorOf(repository.run('spin-load.js', deviceRequest(), services, LIMITS), 'script-timeout');

    expect(repository.disposed).toBe(true);
    await scriptErrorOf(repository.run('healthy.js', deviceRequest(), services, LIMITS), 'script-disposed');
    const fresh = await compile(files);
    expect((await fresh.run('healthy.js', deviceRequest(), services, LIMITS)).body).toBe('still serving');
  });
});
