import { afterEach, describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { deviceRequest, TEST_LIMITS } from './sandbox-test.util';
import { IsolatePool, WarmIsolate } from './warm-isolate';

const pools: IsolatePool[] = [];
const opened: CompiledRepository[] = [];

afterEach(async () => {
  for (const repository of opened.splice(0)) repository.dispose();
  for (const pool of pools.splice(0)) await pool.close();
});

function pool(size: number, memoryMb = 32): IsolatePool {
  const created = new IsolatePool(size, memoryMb);
  pools.push(created);
  return created;
}

const COUNTER = [{ path: 'count.js', source: `let n = 0;\nexport default () => ({ status: 200, body: { n: ++n, leaked: typeof globalThis.leaked } });` }];

describe('IsolatePool', () => {
  it('hands out each warm isolate once and replaces it', async () => {
    const spares = pool(2);
    const first = await spares.take(32);
    const second = await spares.take(32);
    const third = await spares.take(32);

    expect(new Set([first, second, third]).size).toBe(3);
    for (const sandbox of [first, second, third]) sandbox.dispose();
  });

  it('a repository compiled on a pooled isolate starts from a blank global scope, never another repository\'s', async () => {
    const spares = pool(1);
    const polluter = await CompiledRepository.compile([{ path: 'p.js', source: `globalThis.leaked = 1;\nexport default () => ({ status: 200, body: typeof globalThis.leaked });` }], { memoryMb: 32, pool: spares });
    opened.push(polluter);
    expect((await polluter.run('p.js', deviceRequest(), new RecordingBackendServices({}), TEST_LIMITS)).body).toBe('number');

    const repository = await CompiledRepository.compile(COUNTER, { memoryMb: 32, pool: spares });
    opened.push(repository);

    expect((await repository.run('count.js', deviceRequest(), new RecordingBackendServices({}), TEST_LIMITS)).body).toEqual({ n: 1, leaked: 'undefined' });
    expect((await repository.run('count.js', deviceRequest(), new RecordingBackendServices({}), TEST_LIMITS)).body).toEqual({ n: 2, leaked: 'undefined' });
  });

  it('creates a fresh isolate for another heap size, and after close', async () => {
    const spares = pool(1, 32);
    const other = await spares.take(64);
    expect(other.memoryMb).toBe(64);
    other.dispose();
    await spares.close();
    const fresh = await spares.take(32);
    expect(fresh).toBeInstanceOf(WarmIsolate);
    fresh.dispose();
  });

  it('an isolate serves one repository only', async () => {
    const sandbox = await WarmIsolate.create(16);
    sandbox.bind({ onCall: () => undefined, onLog: () => undefined, onDone: () => undefined });
    expect(() => sandbox.bind({ onCall: () => undefined, onLog: () => undefined, onDone: () => undefined })).toThrow('already serves a repository');
    sandbox.dispose();
  });
});
