// Attack scenario: a script allocates without bound. Its request fails with script-memory, the
// isolate is gone (the repository marks itself disposed), the host process lives on, and a fresh
// compilation serves again.
import { describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { deviceRequest, scriptErrorOf } from './sandbox-test.util';
import type { ScriptLimits } from './script-limits.type';

const LIMITS: ScriptLimits = { timeoutMs: 5000, memoryMb: 16 };

describe('a script that allocates without bound', () => {
  it('fails with script-memory, disposes its repository, ends bystander runs retriably, and leaves the host serving', async () => {
    let waiting: () => void = () => undefined;
    const bystanderWaits = new Promise<void>((resolve) => (waiting = resolve));
    const services = new RecordingBackendServices({
      hung: () => {
        waiting();
        return new Promise(() => undefined);
      },
    });
    const files = [
      { path: 'bomb.js', source: `export default () => { const hoard = []; for (;;) hoard.push(new Array(100000).fill(Math.random())); };` },
      { path: 'bystander.js', source: `export default async (r, ctx) => { await ctx.services.hung.get('/'); return { status: 200 }; };` },
      { path: 'healthy.js', source: `export default () => ({ status: 200, body: 'serving' });` },
    ];
    const repository = await CompiledRepository.compile(files, { memoryMb: LIMITS.memoryMb });
    const bystander = repository.run('bystander.js', deviceRequest(), services, LIMITS);
    await bystanderWaits;

    const error = await scriptErrorOf(repository.run('bomb.js', deviceRequest(), services, LIMITS), 'script-memory');

    expect(error.message).toBe('bomb.js exceeded the memory limit of its isolate');
    expect(repository.disposed).toBe(true);
    expect((await scriptErrorOf(bystander, 'script-disposed')).retriable).toBe(true);
    await scriptErrorOf(repository.run('healthy.js', deviceRequest(), services, LIMITS), 'script-disposed');

    const fresh = await CompiledRepository.compile(files, { memoryMb: LIMITS.memoryMb });
    expect((await fresh.run('healthy.js', deviceRequest(), services, LIMITS)).body).toBe('serving');
    fresh.dispose();
  });

  it('reports a huge buffer the isolate refuses as the script\'s own error', async () => {
    const repository = await CompiledRepository.compile(
      [{ path: 'buffer.js', source: `export default () => ({ status: 200, body: new ArrayBuffer(2 ** 40).byteLength });` }],
      { memoryMb: LIMITS.memoryMb },
    );

    const error = await scriptErrorOf(repository.run('buffer.js', deviceRequest(), new RecordingBackendServices({}), LIMITS), 'script-threw');

    expect(error.message).toContain('RangeError');
    repository.dispose();
  });
});
