/**
 * Self-protection of an API node (the original platform's lesson): kill switches, per-repository
 * rate and CPU quotas, a circuit breaker per endpoint, a fair share of the node's script CPU, and
 * caps on in-flight script runs, all decided before a script runs, in O(1), without I/O or timers.
 * Quotas and shares are per gateway process.
 *
 * CPU is the isolate's own CPU time (`cpuTimeMs` of the compiled repository), charged to its
 * repository as the delta since the last reading, read when a request of the repository is
 * admitted and when one finishes. Reading at admission matters: a timed-out script's slice can
 * still be burning its timeout after its request got its 504, and the next request of the
 * repository must see that. Readings are remembered per isolate object, so a recompiled isolate
 * starts from 0 and an old one finishing its last requests is still charged.
 *
 * Fair share: the scripts' capacity is `scriptCores` cores over a sliding `fairShareWindowMs`.
 * While two or more repositories were active in the window and the scripts together used at
 * least half of the capacity, a repository that used more than capacity / active repositories
 * gets 503 `cpu-share-exceeded` (Retry-After: 1) without running a script (the edge holds such
 * refusals a moment: RejectionHold). Alone on the node, or while the scripts
 * leave most cores idle, a repository can use everything (work-conserving). Requests admitted
 * before a repository went over its share still run; they are charged as they burn, so the
 * repository stays refused until its use has slid back under its share.
 *
 * What bounds truly executing isolates: isolated-vm runs an isolate on at most one thread at a
 * time, so one repository can never hold more than one core. Its thread pool is sized
 * `std::thread::hardware_concurrency() + 1` when the addon loads, with no API to change it, and
 * when every pool thread is busy it starts an extra detached thread instead of queueing
 * (isolated-vm 5, src/lib/thread_pool.cc); UV_THREADPOOL_SIZE is unrelated. So nothing caps how
 * many isolates execute at once. A cap on "repositories executing" counted here would count
 * requests awaiting backend calls, which use no CPU; the cores-1 cap is instead enforced on what
 * matters, CPU time, by the fair share's capacity. The in-flight caps bound what waits (memory,
 * queues on an isolate), globally and per repository. See docs/adr/0009.
 */
import { availableParallelism } from 'node:os';
import type { RegistryEntry } from '@dsp/store';

export interface Rejection {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
  /**
   * The refusal is due to the repository's own scripts (burning, failing, piling up): the edge holds
   * it a moment before sending it (RejectionHold). Switches, the node's cap and 429s go out at once.
   */
  held?: true;
}

/** What the guardrails read of an isolate: its cumulative CPU time in ms (CompiledRepository has it). */
export interface IsolateCpuClock {
  readonly cpuTimeMs: number;
}

export interface GuardrailOptions {
  maxInFlight: number;
  maxInFlightPerRepository: number;
  /** Consecutive script failures that open an endpoint's circuit, and how long it stays open. */
  breakerFailures: number;
  breakerOpenMs: number;
  /** Enforce the fair share of script CPU between repositories (see the header). */
  fairShare: boolean;
  /** Cores this process's scripts may use together: the fair share's capacity (fractions allowed). */
  scriptCores: number;
  /** The sliding window over which recent CPU use is measured for the fair share. */
  fairShareWindowMs: number;
}

export const DEFAULT_GUARDRAILS: GuardrailOptions = {
  maxInFlight: 256,
  maxInFlightPerRepository: 64,
  breakerFailures: 10,
  breakerOpenMs: 5_000,
  fairShare: true,
  // One core is left to the main thread (HTTP, JSON, copying into and out of isolates).
  scriptCores: Math.max(1, availableParallelism() - 1),
  fairShareWindowMs: 1_000,
};

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

/**
 * CPU used in a sliding window, in O(1): the current fixed slot and the one before it, the older
 * one weighted by how much of it still lies inside the window (the usual sliding-window counter).
 */
interface SlidingCpu {
  slot: number;
  currentMs: number;
  previousMs: number;
}

interface RepositoryShare extends SlidingCpu {
  /** The last slot in which the repository asked to run a script or used CPU. */
  activeSlot: number;
}

/**
 * The scripts contend for the machine once they use this fraction of their capacity. Below it,
 * cores sit idle and failing a repository over its share would only waste them (many light
 * repositories next to one busy one). Not 1: script CPU does not show the main thread or other
 * processes on the machine, which a spinning isolate takes CPU from long before the scripts
 * alone fill their capacity (on 2 cores, one spinner is the whole capacity).
 */
const CONTENDED_FROM = 0.5;

/** The least share of the capacity a repository is ever held to, however many repositories are active. */
const MIN_SHARE = 0.1;

export class Guardrails {
  private inFlight = 0;
  private readonly inFlightByRepository = new Map<string, number>();
  private readonly breakers = new Map<string, Breaker>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly cpu = new Map<string, CpuWindow>();
  /** The last cpuTimeMs read of each isolate. */
  private readonly cpuSeen = new WeakMap<IsolateCpuClock, number>();
  private readonly shares = new Map<string, RepositoryShare>();
  /** All scripts' CPU, and how many repositories were active in the current and previous slot. */
  private readonly node: SlidingCpu & { activeNow: number; activeBefore: number } = { slot: 0, currentMs: 0, previousMs: 0, activeNow: 0, activeBefore: 0 };
  private readonly cpuListeners: ((repository: string, cpuMs: number) => void)[] = [];

  private readonly options: GuardrailOptions;

  constructor(options: Partial<GuardrailOptions> = {}) {
    this.options = { ...DEFAULT_GUARDRAILS, ...options };
  }

  /**
   * Null when the request may run (and then `finish` must be called), else why not. `isolate` is
   * the one that will run it; its CPU used since the last reading is charged first.
   */
  admit(entry: RegistryEntry, route: string, isolate?: IsolateCpuClock, now = Date.now()): Rejection | null {
    const repository = entry.repository;
    if (isolate) this.charge(repository, isolate, now);
    if (entry.switchedOff?.repository) return { status: 503, code: 'switched-off', message: `repository '${repository}' is switched off` };
    if (entry.switchedOff?.routes.includes(route)) return { status: 503, code: 'switched-off', message: `${route} of '${repository}' is switched off` };

    const breaker = this.breakers.get(`${repository} ${route}`);
    if (breaker?.openedAt != null) {
      const remaining = breaker.openedAt + this.options.breakerOpenMs - now;
      if (remaining > 0 || breaker.trial) {
        return { status: 503, code: 'circuit-open', message: `${route} of '${repository}' keeps failing; failing fast for a while`, retryAfterSeconds: Math.max(1, Math.ceil(remaining / 1000)), held: true };
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
    if (this.options.fairShare && this.overShare(repository, now)) {
      return { status: 503, code: 'cpu-share-exceeded', message: `'${repository}' used more than its share of this node's script CPU while other repositories wait; retry in a second`, retryAfterSeconds: 1, held: true };
    }
    if (quotas.requestsPerSecond !== undefined && !this.takeToken(repository, quotas.requestsPerSecond, now)) {
      return { status: 429, code: 'rate-limited', message: `'${repository}' is limited to ${quotas.requestsPerSecond} requests per second`, retryAfterSeconds: 1 };
    }

    const repositoryInFlight = this.inFlightByRepository.get(repository) ?? 0;
    if (this.inFlight >= this.options.maxInFlight) return { status: 503, code: 'overloaded', message: 'this API node is at its limit of running scripts', retryAfterSeconds: 1 };
    if (repositoryInFlight >= this.options.maxInFlightPerRepository) {
      return { status: 503, code: 'repository-overloaded', message: `'${repository}' is at its limit of concurrently running scripts on this node`, retryAfterSeconds: 1, held: true };
    }
    this.inFlight += 1;
    this.inFlightByRepository.set(repository, repositoryInFlight + 1);
    return null;
  }

  /**
   * Records the end of an admitted request: `failed` = the script failed (not a 4xx it chose);
   * `isolate` = the one that ran it, whose CPU used since the last reading is charged.
   */
  finish(repository: string, route: string, failed: boolean, isolate: IsolateCpuClock, now = Date.now()): void {
    this.inFlight -= 1;
    this.inFlightByRepository.set(repository, Math.max(0, (this.inFlightByRepository.get(repository) ?? 1) - 1));
    this.charge(repository, isolate, now);
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

  /** Charges `repository` with the CPU `isolate` used since it was last read; returns that, in ms. */
  charge(repository: string, isolate: IsolateCpuClock, now = Date.now()): number {
    const total = isolate.cpuTimeMs;
    const usedMs = total - (this.cpuSeen.get(isolate) ?? 0);
    if (!(usedMs > 0)) return 0;
    this.cpuSeen.set(isolate, total);
    this.cpuWindow(repository, now).usedMs += usedMs;
    const share = this.share(repository, now);
    share.currentMs += usedMs;
    this.node.currentMs += usedMs;
    for (const listener of this.cpuListeners) listener(repository, usedMs);
    return usedMs;
  }

  /** Calls `listener` with every CPU charge (for metrics). */
  onCpuCharged(listener: (repository: string, cpuMs: number) => void): void {
    this.cpuListeners.push(listener);
  }

  get running(): number {
    return this.inFlight;
  }

  /** Whether `repository` used more than its fair share while the node's scripts are at capacity. */
  private overShare(repository: string, now: number): boolean {
    const share = this.share(repository, now);
    const active = this.node.activeNow + this.node.activeBefore;
    if (active < 2) return false;
    const capacityMs = this.options.scriptCores * this.options.fairShareWindowMs;
    if (this.used(this.node, now) < capacityMs * CONTENDED_FROM) return false;
    // Never below a tenth of the capacity: with many repositories active (a burst of first requests
    // after a deploy, each warming its isolate) the share would shrink to what one warm-up costs.
    return this.used(share, now) > Math.max(capacityMs / active, capacityMs * MIN_SHARE);
  }

  /** The repository's sliding window, rolled to `now` and marked active in the current slot. */
  private share(repository: string, now: number): RepositoryShare {
    const slot = this.rollNode(now);
    let share = this.shares.get(repository);
    if (share === undefined) {
      share = { slot, currentMs: 0, previousMs: 0, activeSlot: Number.NEGATIVE_INFINITY };
      this.shares.set(repository, share);
    }
    roll(share, slot);
    if (share.activeSlot !== slot) {
      if (share.activeSlot === slot - 1) this.node.activeBefore -= 1;
      this.node.activeNow += 1;
      share.activeSlot = slot;
    }
    return share;
  }

  private rollNode(now: number): number {
    const slot = Math.floor(now / this.options.fairShareWindowMs);
    const node = this.node;
    if (node.slot !== slot) {
      node.activeBefore = node.slot === slot - 1 ? node.activeNow : 0;
      node.activeNow = 0;
      roll(node, slot);
    }
    return slot;
  }

  /** CPU used over the last window: the current slot, plus the part of the previous one still inside the window. */
  private used(window: SlidingCpu, now: number): number {
    const windowMs = this.options.fairShareWindowMs;
    const elapsed = (now - window.slot * windowMs) / windowMs;
    return window.currentMs + window.previousMs * Math.max(0, 1 - elapsed);
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

function roll(window: SlidingCpu, slot: number): void {
  if (window.slot === slot) return;
  window.previousMs = window.slot === slot - 1 ? window.currentMs : 0;
  window.currentMs = 0;
  window.slot = slot;
}
