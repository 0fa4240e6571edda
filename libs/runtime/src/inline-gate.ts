/**
 * Longest an inline batch may hold the host's thread (wall clock) before it is stopped. Above the
 * garbage collections of an isolate (a full one took 6 ms in bench:gateway's isolate, once in
 * 80,000 batches): at 5 ms they struck benign repositories.
 */
export const INLINE_BUDGET_MS = 20;
/** A script earns inline runs with first slices (in the isolate's thread, queueing included) shorter than this. */
export const INLINE_EARNING_SLICE_MS = 2;
/** Runs in a row whose first slice took under INLINE_EARNING_SLICE_MS before a script runs inline. */
export const INLINE_AFTER_CLEAN_RUNS = 8;
/** Overruns of the inline budget a repository may have within INLINE_OVERRUN_WINDOW_MS before it is struck. */
export const INLINE_OVERRUNS_ALLOWED = 3;
export const INLINE_OVERRUN_WINDOW_MS = 10 * 60_000;

/**
 * Whether a repository's scripts may run inline: their first slice on the host's own thread
 * (isolated-vm's applySync), in batches, which spares the hand-off to the isolate's thread and
 * back. See docs/adr/0010.
 *
 * Inline execution holds the host's event loop while the scripts run, so it is earned and lost:
 * - a script runs inline only after INLINE_AFTER_CLEAN_RUNS runs in a row in the isolate's thread
 *   whose first slice took under INLINE_EARNING_SLICE_MS (CompiledRepository keeps that record);
 * - a batch runs under INLINE_BUDGET_MS, not its requests' whole timeouts. One that overruns it
 *   (using the CPU: a preempted thread is nobody's doing) is stopped, its unanswered runs start
 *   again in the isolate's thread, and its scripts must earn inline runs again;
 * - a repository that overruns more than INLINE_OVERRUNS_ALLOWED times in INLINE_OVERRUN_WINDOW_MS,
 *   or exhausts its heap inline, is struck: none of its scripts run inline again on this process,
 *   in this version or any later one.
 * So a repository can hold a gateway's event loop for a few budgets per window, once it has shown
 * a record of short runs. One gate per repository per process (LiveRegistry).
 */
export class InlineGate {
  private strikeReason: string | undefined;
  private readonly overrunTimes: number[] = [];
  /** Runs whose first slice ran inline, and the batches they ran in (for metrics). */
  inlineRuns = 0;
  inlineBatches = 0;
  /** Batches that overran the budget (for metrics). */
  overruns = 0;

  /**
   * @param afterCleanRuns runs in a row whose first slice ended within the budget before a script
   * runs inline (INLINE_AFTER_CLEAN_RUNS; 0 lets every loaded script run inline at once, which the
   * inline escape corpus uses to put each attack on the inline path).
   */
  constructor(
    readonly repository: string,
    readonly afterCleanRuns = INLINE_AFTER_CLEAN_RUNS,
  ) {}

  /** False once the repository has been struck on this process. */
  get open(): boolean {
    return this.strikeReason === undefined;
  }

  /** Why the repository no longer runs inline, if it was struck. */
  get struck(): string | undefined {
    return this.strikeReason;
  }

  /** A batch of the repository overran the inline budget; too many within the window strike it. */
  overran(reason: string, now = performance.now()): void {
    this.overruns += 1;
    while (this.overrunTimes.length > 0 && this.overrunTimes[0]! <= now - INLINE_OVERRUN_WINDOW_MS) this.overrunTimes.shift();
    this.overrunTimes.push(now);
    if (this.overrunTimes.length > INLINE_OVERRUNS_ALLOWED) {
      this.strike(`${reason}, ${this.overrunTimes.length} times in ${INLINE_OVERRUN_WINDOW_MS / 60_000} minutes`);
    }
  }

  strike(reason: string): void {
    this.strikeReason ??= reason;
  }
}
