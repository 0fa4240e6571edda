/**
 * Load generators, run in the benchmark's own process: autocannon (closed loop, N connections as
 * fast as the server answers) for throughput, and an evenly paced open-loop generator for latency
 * at a fixed moderate rate.
 */
import autocannon from 'autocannon';
import { Agent, request } from 'node:http';
import { quantile } from '../support/bench-stats';

export interface ThroughputResult {
  /** 2xx responses per second over the run. */
  okPerSecond: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  statusCounts: Record<string, number>;
  /** Response latencies (ms, full resolution) when asked for, else empty. */
  latenciesMs: number[];
}

export interface HammerOptions {
  connections: number;
  durationSeconds: number;
  /** Keep every response's latency (costs a little client CPU). */
  keepLatencies?: boolean;
  /** Stops the run early when it resolves (for background load). */
  until?: Promise<void>;
}

/** autocannon against one URL; resolves with its counts once the run is over. */
export function hammer(url: string, options: HammerOptions): Promise<ThroughputResult> {
  return new Promise((resolve, reject) => {
    const latenciesMs: number[] = [];
    const instance = autocannon(
      { url, connections: options.connections, duration: options.durationSeconds, pipelining: 1, timeout: 10 },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const statusCounts: Record<string, number> = {};
        for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) statusCounts[status] = stats.count ?? 0;
        const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
        resolve({
          okPerSecond: result['2xx'] / seconds,
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds,
          statusCounts,
          latenciesMs,
        });
      },
    );
    if (options.keepLatencies) instance.on('response', (_client, _status, _bytes, responseTime) => void latenciesMs.push(responseTime));
    void options.until?.then(() => instance.stop());
  });
}

export interface PacedResult {
  sent: number;
  ok: number;
  failed: number;
  /** Achieved rate of completed requests. */
  perSecond: number;
  latenciesMs: number[];
  /** Requests whose scheduled send time slipped by over 5 ms (client overloaded). */
  late: number;
}

/**
 * Open loop at a fixed rate: request i is sent at start + i / rate (checked every millisecond),
 * whether or not earlier ones have answered, over keep-alive connections. Latency is from the send
 * to the end of the response body, so the client's own overhead is in it, equally for every target.
 */
export async function paced(url: string, options: { ratePerSecond: number; durationSeconds: number; maxSockets?: number }): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 32 });
  const total = Math.round(options.ratePerSecond * options.durationSeconds);
  const latenciesMs: number[] = [];
  let ok = 0;
  let failed = 0;
  let sent = 0;
  let late = 0;
  let outstanding = 0;
  const started = performance.now();
  const finished = new Promise<void>((resolve) => {
    const one = (): void => {
      const sentAt = performance.now();
      if (sentAt - (started + (sent * 1000) / options.ratePerSecond) > 5) late += 1;
      sent += 1;
      outstanding += 1;
      const done = (success: boolean): void => {
        if (success) {
          ok += 1;
          latenciesMs.push(performance.now() - sentAt);
        } else {
          failed += 1;
        }
        outstanding -= 1;
        if (sent >= total && outstanding === 0) resolve();
      };
      const req = request(url, { agent, method: 'GET' }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => done(res.statusCode === 200));
        res.on('error', () => done(false));
      });
      req.on('error', () => done(false));
      req.end();
    };
    const tick = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * options.ratePerSecond) / 1000) + 1);
      while (sent < due) one();
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { sent, ok, failed, perSecond: ok / seconds, latenciesMs, late };
}

export function latencySummary(latenciesMs: readonly number[]): { p50: number; p90: number; p99: number; max: number } {
  return { p50: quantile(latenciesMs, 0.5), p90: quantile(latenciesMs, 0.9), p99: quantile(latenciesMs, 0.99), max: quantile(latenciesMs, 1) };
}
