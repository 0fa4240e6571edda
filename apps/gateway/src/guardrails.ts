/**
 * Self-protection of an API node (the original platform's lesson): kill switches, per-repository
 * rate and CPU quotas, a circuit breaker per endpoint, and caps on in-flight script runs, all
 * decided before a script runs, in O(1), without I/O. Quotas are per gateway node.
 *
 * Truly executing isolates are bounded by isolated-vm itself: an isolate runs on one thread at a
 * time, from a pool sized to the cores, so one repository (one isolate) can never hold more than
 * one core. The in-flight caps bound what waits (memory, queues), globally and per repository.
 */
import type { RegistryEntry } from '@dsp/store';

export interface Rejection {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

export interface GuardrailOptions {
  maxInFlight: number;
  maxInFlightPerRepository: number;
  /** Consecutive script failures that open an endpoint's circuit, and how long it stays open. */
  breakerFailures: number;
  breakerOpenMs: number;
}

export const DEFAULT_GUARDRAILS: GuardrailOptions = { maxInFlight: 256, maxInFlightPerRepository: 64, breakerFailures: 10, breakerOpenMs: 5_000 };

interface Breaker {
  failures: number;
  openedAt: number | null;
  trial: boolean;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

interface CpuWindow {
  startedAt: number;
  usedMs: number;
}

export class Guardrails {
  private inFlight = 0;
  private readonly inFlightByRepository = new Map<string, number>();
  private readonly breakers = new Map<string, Breaker>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly cpu = new Map<string, CpuWindow>();

  constructor(private readonly options: GuardrailOptions = DEFAULT_GUARDRAILS) {}

  /** Null when the request may run (and then `finish` must be called), else why not. */
  admit(entry: RegistryEntry, route: string, now = Date.now()): Rejection | null {
    const repository = entry.repository;
    if (entry.switchedOff?.repository) return { status: 503, code: 'switched-off', message: `repository '${repository}' is switched off` };
    if (entry.switchedOff?.routes.includes(route)) return { status: 503, code: 'switched-off', message: `${route} of '${repository}' is switched off` };

    const breaker = this.breakers.get(`${repository} ${route}`);
    if (breaker?.openedAt != null) {
      const remaining = breaker.openedAt + this.options.breakerOpenMs - now;
      if (remaining > 0 || breaker.trial) {
        return { status: 503, code: 'circuit-open', message: `${route} of '${repository}' keeps failing; failing fast for a while`, retryAfterSeconds: Math.max(1, Math.ceil(remaining / 1000)) };
      }
      breaker.trial = true; // half-open: this request is the trial
    }

    const quotas = entry.quotas ?? {};
    if (quotas.cpuMsPerMinute !== undefined) {
      const window = this.cpuWindow(repository, now);
      if (window.usedMs >= quotas.cpuMsPerMinute) {
        return { status: 429, code: 'cpu-quota-exhausted', message: `'${repository}' used its ${quotas.cpuMsPerMinute} ms of script CPU this minute`, retryAfterSeconds: Math.max(1, Math.ceil((window.startedAt + 60_000 - now) / 1000)) };
      }
    }
    if (quotas.requestsPerSecond !== undefined && !this.takeToken(repository, quotas.requestsPerSecond, now)) {
      return { status: 429, code: 'rate-limited', message: `'${repository}' is limited to ${quotas.requestsPerSecond} requests per second`, retryAfterSeconds: 1 };
    }

    const repositoryInFlight = this.inFlightByRepository.get(repository) ?? 0;
    if (this.inFlight >= this.options.maxInFlight) return { status: 503, code: 'overloaded', message: 'this API node is at its limit of running scripts', retryAfterSeconds: 1 };
    if (repositoryInFlight >= this.options.maxInFlightPerRepository) {
      return { status: 503, code: 'repository-overloaded', message: `'${repository}' is at its limit of concurrently running scripts on this node`, retryAfterSeconds: 1 };
    }
    this.inFlight += 1;
    this.inFlightByRepository.set(repository, repositoryInFlight + 1);
    return null;
  }

  /** Records the end of an admitted request: `failed` = the script failed (not a 4xx it chose). */
  finish(repository: string, route: string, failed: boolean, cpuMs: number, now = Date.now()): void {
    this.inFlight -= 1;
    this.inFlightByRepository.set(repository, Math.max(0, (this.inFlightByRepository.get(repository) ?? 1) - 1));
    this.cpuWindow(repository, now).usedMs += cpuMs;
    const key = `${repository} ${route}`;
    const breaker = this.breakers.get(key) ?? { failures: 0, openedAt: null, trial: false };
    if (!failed) {
      if (breaker.failures > 0 || breaker.openedAt !== null) this.breakers.delete(key);
      return;
    }
    breaker.failures += 1;
    if (breaker.trial || breaker.failures >= this.options.breakerFailures) {
      breaker.openedAt = now;
      breaker.trial = false;
    }
    this.breakers.set(key, breaker);
  }

  get running(): number {
    return this.inFlight;
  }

  private takeToken(repository: string, perSecond: number, now: number): boolean {
    const bucket = this.buckets.get(repository) ?? { tokens: perSecond, refilledAt: now };
    bucket.tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.refilledAt) / 1000) * perSecond);
    bucket.refilledAt = now;
    this.buckets.set(repository, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private cpuWindow(repository: string, now: number): CpuWindow {
    let window = this.cpu.get(repository);
    if (!window || now - window.startedAt >= 60_000) {
      window = { startedAt: now, usedMs: 0 };
      this.cpu.set(repository, window);
    }
    return window;
  }
}
