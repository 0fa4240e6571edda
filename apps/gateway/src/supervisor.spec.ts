// The supervisor's stall watchdog against real cluster workers (supervisor-worker.fake.ts): a worker
// whose event loop stops turning is killed and replaced, a healthy one is left alone.
import cluster, { type Worker } from 'node:cluster';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pollUntil } from '@dsp/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHeartbeat, superviseWorkers } from './supervisor';

const FAKE_WORKER = resolve(__dirname, 'supervisor-worker.fake.ts');
const HEARTBEAT_MS = 100;
const STALL_LIMIT_MS = 600;
const CHECK_EVERY_MS = STALL_LIMIT_MS / 4;
/** Room for IPC, signal delivery and a loaded test machine's timers on top of what the watchdog promises. */
const SLACK_MS = 1_000;

let supervisor: { stop(): Promise<void> } | undefined;
let logs: string[];
/** Per worker id: when each heartbeat arrived (performance.now()). */
let heartbeats: Map<number, number[]>;
let exits: Map<number, { signal: string | null; at: number }>;

const onMessage = (worker: Worker, message: unknown): void => {
  if (!isHeartbeat(message)) return;
  heartbeats.set(worker.id, [...(heartbeats.get(worker.id) ?? []), performance.now()]);
};
const onExit = (worker: Worker, _code: number, signal: string | null): void => {
  exits.set(worker.id, { signal, at: performance.now() });
};

beforeEach(() => {
  logs = [];
  heartbeats = new Map();
  exits = new Map();
  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
});

afterEach(async () => {
  const stopped = supervisor?.stop();
  supervisor = undefined;
  // A worker a failing test left stuck would hold stop() for its 10 s SIGTERM grace.
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
  await stopped;
  cluster.off('message', onMessage);
  cluster.off('exit', onExit);
});

function supervise(fakeWorkerArgs: string[], options: { startGraceMs?: number } = {}): void {
  cluster.setupPrimary({ exec: FAKE_WORKER, execArgv: ['--import', 'tsx'], args: fakeWorkerArgs });
  supervisor = superviseWorkers({ workers: 1, log: (message) => logs.push(message), maxRestartsPerMinute: 30, stallLimitMs: STALL_LIMIT_MS, ...options });
}

/** The worker's DSP_GATEWAY_INLINE, as it reports it. */
function inlineSettingOf(worker: Worker): Promise<string> {
  return new Promise((resolve) => {
    const listener = (message: unknown): void => {
      if (typeof message === 'object' && message !== null && 'inline' in message) {
        worker.off('message', listener);
        resolve(String((message as { inline: unknown }).inline));
      }
    };
    worker.on('message', listener);
    worker.send('inline?');
  });
}

function workerSendingHeartbeats(except?: Worker): Worker | undefined {
  return Object.values(cluster.workers ?? {}).find((worker) => worker !== undefined && worker !== except && heartbeats.has(worker.id));
}

describe('superviseWorkers stall watchdog', () => {
  it('kills a worker whose event loop stalls, within the stall limit and one check, and forks one that sends heartbeats', async () => {
    supervise(['heartbeats', String(HEARTBEAT_MS)]);
    const stuck = await pollUntil(() => workerSendingHeartbeats(), { description: 'a worker sending heartbeats' });
    const pid = stuck.process.pid;

    const stalledAt = performance.now();
    stuck.send('stall');

    const exit = await pollUntil(() => exits.get(stuck.id), { description: `worker ${pid} killed after it stalled` });
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.at - stalledAt).toBeGreaterThanOrEqual(STALL_LIMIT_MS - HEARTBEAT_MS);
    expect(exit.at - stalledAt).toBeLessThan(STALL_LIMIT_MS + CHECK_EVERY_MS + SLACK_MS);
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^worker ${pid} stalled for \\d+ ms; killing it$`)));
    const replacement = await pollUntil(() => workerSendingHeartbeats(stuck), { description: 'a replacement worker sending heartbeats' });
    expect(replacement.process.pid).not.toBe(pid);
    expect(logs).toContainEqual(`worker ${pid} exited (SIGKILL); starting a new one`);
    // A stall may come from a script run inline: replacements run without inline runs.
    expect(await inlineSettingOf(replacement)).toBe('off');
  }, 20_000);

  it('starts workers with inline runs on while none has stalled', async () => {
    supervise(['heartbeats', String(HEARTBEAT_MS)]);
    const worker = await pollUntil(() => workerSendingHeartbeats(), { description: 'a worker sending heartbeats' });

    expect(await inlineSettingOf(worker)).toBe('on');
  });

  it('leaves a worker that keeps sending heartbeats alone over several stall limits', async () => {
    supervise(['heartbeats', String(HEARTBEAT_MS)]);
    const healthy = await pollUntil(() => workerSendingHeartbeats(), { description: 'a worker sending heartbeats' });

    await pollUntil(
      () => {
        const times = heartbeats.get(healthy.id) ?? [];
        return exits.size > 0 || (times.at(-1) ?? 0) - (times[0] ?? 0) >= 5 * STALL_LIMIT_MS;
      },
      { description: `heartbeats from worker ${healthy.process.pid} over ${5 * STALL_LIMIT_MS} ms` },
    );

    expect(logs).toEqual([]);
    expect(exits.size).toBe(0);
  }, 20_000);

  it('gives a new worker the start grace, not the stall limit, to send its first heartbeat', async () => {
    const startGraceMs = 4 * STALL_LIMIT_MS;
    const forkedAt = performance.now();
    supervise(['silent'], { startGraceMs });
    const [silent] = Object.values(cluster.workers ?? {});
    if (!silent) throw new Error('the supervisor forked no worker');
    const pid = silent.process.pid;

    const exit = await pollUntil(() => exits.get(silent.id), { description: `worker ${pid} killed for never sending a heartbeat` });
    expect(exit.signal).toBe('SIGKILL');
    expect(exit.at - forkedAt).toBeGreaterThanOrEqual(startGraceMs);
    expect(exit.at - forkedAt).toBeLessThan(startGraceMs + CHECK_EVERY_MS + SLACK_MS);
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^worker ${pid} sent no heartbeat in \\d+ ms since it started; killing it$`)));
    expect(heartbeats.size).toBe(0);
  }, 20_000);
});
