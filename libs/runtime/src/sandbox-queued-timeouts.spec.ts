// Abuse scenario: many requests to a spinning script queue on its one isolate. Each is answered
// with script-timeout by its deadline; the ones still queued then must not run at all (before the
// fix every queued call ran its full timeout after its 504: 11 s of abuse cost ~100 s of a core).
import { afterEach, describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { deviceRequest, scriptErrorOf } from './sandbox-test.util';

const services = new RecordingBackendServices({});
const opened: CompiledRepository[] = [];
afterEach(() => {
  for (const repository of opened.splice(0)) repository.dispose();
});

describe('requests queued behind a spinning script', () => {
  it('time out without running once their deadline has passed', async () => {
    const repository = await CompiledRepository.compile(
      [
        { path: 'starts.js', source: 'let count = 0;\nexport function started() { count += 1; }\nexport function starts() { return count; }\n' },
        { path: 'spin.js', source: "import { started } from './starts.js';\nexport default async () => { started(); for (;;) {} };\n" },
        { path: 'count.js', source: "import { starts } from './starts.js';\nexport default async () => ({ status: 200, body: { starts: starts() } });\n" },
      ],
      { memoryMb: 32 },
    );
    opened.push(repository);
    const queued = Array.from({ length: 10 }, () => repository.run('spin.js', deviceRequest(), services, { timeoutMs: 50, memoryMb: 32 }));
    for (const run of queued) await scriptErrorOf(run, 'script-timeout');
    const counted = await repository.run('count.js', deviceRequest(), services, { timeoutMs: 2000, memoryMb: 32 });
    expect(counted.status).toBe(200);
    // The first call spins through its whole budget; the others' deadlines pass while they wait.
    expect((counted.body as { starts: number }).starts).toBeLessThan(10);
    expect((counted.body as { starts: number }).starts).toBeLessThanOrEqual(3);
  });
});
