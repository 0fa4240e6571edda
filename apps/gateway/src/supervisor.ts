/**
 * Keeps N gateway worker processes serving one port (node:cluster). isolated-vm can fail in
 * ways it calls catastrophic, which end the whole process: with several workers the node keeps
 * answering on the others while the supervisor replaces the dead one within a second or two.
 * A worker whose main thread is stuck (V8 in a built-in that never checks for interrupts, a
 * synchronous loop) does not exit, so each worker also sends a heartbeat over the cluster IPC
 * channel: one silent for longer than the stall limit is killed (SIGKILL) and replaced the same way.
 */
import cluster, { type Worker } from 'node:cluster';
import { performance } from 'node:perf_hooks';

/** What a worker sends its supervisor every heartbeat interval. */
const HEARTBEAT = { dsp: 'gateway-heartbeat' } as const;

/** How often a gateway worker sends its heartbeat (main.ts); the stall limit must be well above it. */
export const HEARTBEAT_INTERVAL_MS = 500;

export const DEFAULT_STALL_LIMIT_MS = 5_000;

/** A worker loads every module before it can send its first heartbeat: give start-up this long at least. */
const DEFAULT_START_GRACE_MS = 30_000;

export interface SupervisorOptions {
  workers: number;
  log: (message: string) => void;
  /** Restarts faster than this many per minute mean a crash loop: back off. */
  maxRestartsPerMinute: number;
  /** A worker silent for longer than this is stalled and killed (default 5 s); `false` turns the watchdog off. */
  stallLimitMs?: number | false;
  /**
   * How long a new worker may take to send its first heartbeat (default the larger of 30 s and the
   * stall limit): start-up loads every module synchronously, which must not count as a stall.
   */
  startGraceMs?: number;
}

export function isHeartbeat(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { dsp?: unknown }).dsp === HEARTBEAT.dsp;
}

/**
 * Worker side: sends a heartbeat now and every `intervalMs` until the returned function is called.
 * The timer is unref'd, so it never keeps a worker alive; without an IPC channel it does nothing.
 */
export function sendHeartbeats(intervalMs: number): () => void {
  if (!process.send) return () => undefined;
  const beat = (): void => {
    // The callback takes a send error (channel closing as the worker exits) instead of an 'error' event.
    if (process.connected) process.send?.(HEARTBEAT, undefined, undefined, () => undefined);
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

interface Watched {
  /** When the last heartbeat arrived, or when the worker was forked (performance.now(), monotonic). */
  since: number;
  started: boolean;
}

export function superviseWorkers(options: SupervisorOptions): { stop(): Promise<void> } {
  const stallLimitMs = options.stallLimitMs ?? DEFAULT_STALL_LIMIT_MS;
  if (stallLimitMs !== false && !(Number.isInteger(stallLimitMs) && stallLimitMs > 0)) throw new RangeError(`stallLimitMs must be a positive integer or false, got ${stallLimitMs}`);
  const startGraceMs = options.startGraceMs ?? Math.max(DEFAULT_START_GRACE_MS, stallLimitMs === false ? 0 : stallLimitMs);
  if (!(Number.isInteger(startGraceMs) && startGraceMs > 0)) throw new RangeError(`startGraceMs must be a positive integer, got ${startGraceMs}`);
  let stopping = false;
  const restarts: number[] = [];
  const watched = new Map<Worker, Watched>();
  /**
   * Set once a worker stalled: its replacements (and every later worker) start with inline runs
   * off. A script that earned inline runs and then wedges V8 in a built-in that does not check for
   * interrupts holds its worker's event loop (ADR 10); without this it could do so again on every
   * replacement, one worker after another.
   */
  let inlineOff = false;
  const fork = (): Worker => {
    const worker = cluster.fork(inlineOff ? { DSP_GATEWAY_INLINE: 'off' } : undefined);
    if (stallLimitMs === false) return worker;
    watched.set(worker, { since: performance.now(), started: false });
    worker.on('message', (message: unknown) => {
      const entry = watched.get(worker);
      if (entry && isHeartbeat(message)) {
        entry.since = performance.now();
        entry.started = true;
      }
    });
    return worker;
  };
  for (let i = 0; i < options.workers; i++) fork();
  const onExit = (worker: Worker, code: number, signal: string | null): void => {
    watched.delete(worker);
    if (stopping) return;
    const now = Date.now();
    while (restarts.length > 0 && (restarts[0] ?? now) < now - 60_000) restarts.shift();
    restarts.push(now);
    const delay = restarts.length > options.maxRestartsPerMinute ? 5_000 : 0;
    options.log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a new one${delay ? ` in ${delay} ms (crash loop)` : ''}`);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  };
  cluster.on('exit', onExit);

  let watchdog: NodeJS.Timeout | undefined;
  if (stallLimitMs !== false) {
    const checkEveryMs = Math.max(1, Math.round(stallLimitMs / 4));
    let lastCheck = performance.now();
    watchdog = setInterval(() => {
      const now = performance.now();
      // Held up itself (a long GC, SIGSTOP), the supervisor may not have read the heartbeats waiting
      // in its IPC pipes yet: judge on the next round instead of killing every worker at once.
      const late = now - lastCheck > 2 * checkEveryMs;
      lastCheck = now;
      if (late) return;
      for (const [worker, entry] of watched) {
        const silentMs = Math.round(now - entry.since);
        if (silentMs <= (entry.started ? stallLimitMs : startGraceMs)) continue;
        watched.delete(worker);
        options.log(
          entry.started ? `worker ${worker.process.pid} stalled for ${silentMs} ms; killing it` : `worker ${worker.process.pid} sent no heartbeat in ${silentMs} ms since it started; killing it`,
        );
        // Not worker.kill(): that first asks the worker to disconnect, which a stuck worker never does.
        worker.process.kill('SIGKILL');
        if (entry.started && !inlineOff) {
          inlineOff = true;
          options.log('workers started from now on run every script slice in its isolate thread (DSP_GATEWAY_INLINE=off): a stall may come from a script run inline');
        }
      }
    }, checkEveryMs);
    watchdog.unref();
  }

  return {
    stop: async () => {
      stopping = true;
      clearInterval(watchdog);
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              // A stuck worker never answers the disconnect that worker.kill() starts with.
              const timer = setTimeout(() => worker.process.kill('SIGKILL'), 10_000);
              worker.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              worker.kill('SIGTERM');
            }),
        ),
      );
      cluster.off('exit', onExit);
    },
  };
}
