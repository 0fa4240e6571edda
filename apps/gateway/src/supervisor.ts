/**
 * Keeps N gateway worker processes serving one port (node:cluster). isolated-vm can fail in
 * ways it calls catastrophic, which end the whole process: with several workers the node keeps
 * answering on the others while the supervisor replaces the dead one within a second or two.
 */
import cluster, { type Worker } from 'node:cluster';

export interface SupervisorOptions {
  workers: number;
  log: (message: string) => void;
  /** Restarts faster than this many per minute mean a crash loop: back off. */
  maxRestartsPerMinute: number;
}

export function superviseWorkers(options: SupervisorOptions): { stop(): Promise<void> } {
  let stopping = false;
  const restarts: number[] = [];
  const fork = (): Worker => cluster.fork();
  for (let i = 0; i < options.workers; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    while (restarts.length > 0 && (restarts[0] ?? now) < now - 60_000) restarts.shift();
    restarts.push(now);
    const delay = restarts.length > options.maxRestartsPerMinute ? 5_000 : 0;
    options.log(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a new one${delay ? ` in ${delay} ms (crash loop)` : ''}`);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay).unref();
  });
  return {
    stop: async () => {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              const timer = setTimeout(() => worker.kill('SIGKILL'), 10_000);
              worker.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
              worker.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
