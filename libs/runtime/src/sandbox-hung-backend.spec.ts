// Attack scenario: a backend call never answers. isolated-vm's CPU timeout cannot see time spent
// awaiting, so the request's wall-clock deadline ends it; the isolate is not harmed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendResult } from './backend-call.type';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { deviceRequest, scriptErrorOf } from './sandbox-test.util';
import type { ScriptLimits } from './script-limits.type';

const LIMITS: ScriptLimits = { timeoutMs: 150, memoryMb: 32 };
const SLACK_MS = 400;

let repository: CompiledRepository;
const late: Array<(result: BackendResult) => void> = [];
const services = new RecordingBackendServices({
  hung: () => new Promise<BackendResult>((resolve) => late.push(resolve)),
  catalog: () => ({ status: 200, body: 'fast' }),
});

beforeAll(async () => {
  repository = await CompiledRepository.compile(
    [
      {
        path: 'wait.js',
        source: `export let resumed = 0;
          export default async (request, ctx) => { const result = await ctx.services.hung.get('/forever'); resumed += 1; return { status: 200, body: result.body }; };`,
      },
      {
        path: 'resumed.js',
        source: `import { resumed } from './wait.js'; export default () => ({ status: 200, body: resumed });`,
      },
      { path: 'fast.js', source: `export default async (request, ctx) => ({ status: 200, body: (await ctx.services.catalog.get('/')).body });` },
    ],
    { memoryMb: LIMITS.memoryMb },
  );
});

afterAll(() => repository.dispose());

describe('a backend call that never answers', () => {
  it('fails its request with script-timeout at the wall-clock deadline, and the isolate keeps serving', async () => {
    const started = performance.now();

    const error = await scriptErrorOf(repository.run('wait.js', deviceRequest(), services, LIMITS), 'script-timeout');

    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(LIMITS.timeoutMs - 5);
    expect(elapsedMs).toBeLessThan(LIMITS.timeoutMs + SLACK_MS);
    expect(error.message).toBe('wait.js did not answer within 150 ms');
    expect(repository.disposed).toBe(false);
    expect((await repository.run('fast.js', deviceRequest(), services, LIMITS)).body).toBe('fast');
  });

  it('answering after the deadline resumes nothing in the isolate', async () => {
    await scriptErrorOf(repository.run('wait.js', deviceRequest(), services, LIMITS), 'script-timeout');

    for (const resolve of late.splice(0)) resolve({ status: 200, body: 'too late' });
    // The late answers are dropped on the host; a full round trip through the isolate comes after them.
    await repository.run('fast.js', deviceRequest(), services, LIMITS);

    expect((await repository.run('resumed.js', deviceRequest(), services, LIMITS)).body).toBe(0);
  });
});
