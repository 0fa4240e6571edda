/**
 * Whether a repository's scripts may run inline: their first slice of execution on the host's own
 * thread (isolated-vm's applySync), which spares the hop to the isolate's thread and back. The hop
 * costs the host about 100 us of CPU per request; a trivial handler needs about 10.
 *
 * Inline execution holds the host's event loop while the script runs, so it is earned and lost:
 * - a script runs inline only after INLINE_AFTER_CLEAN_RUNS runs in a row in the isolate's thread
 *   whose first slice ended within INLINE_BUDGET_MS (CompiledRepository keeps that record);
 * - an inline slice runs under INLINE_BUDGET_MS, not the request's whole timeout; one that
 *   overruns is stopped and the request runs again in the isolate's thread under its own budget;
 * - any slice that hits a limit inline (the budget, memory) strikes the repository: none of its
 *   scripts run inline again on this process, in this version or any later one.
 * So a repository can hold a gateway's event loop for one budget (or one V8 built-in that does
 * not check for interrupts, which the sandbox bootstrap bounds) once per process.
 */
export class InlineGate {
  private strikeReason: string | undefined;
  /** Runs whose first slice ran inline, and the batches they ran in (for metrics). */
  inlineRuns = 0;
  inlineBatches = 0;

  constructor(readonly repository: string) {}

  /** False once the repository has been struck on this process. */
  get open(): boolean {
    return this.strikeReason === undefined;
  }

  /** Why the repository no longer runs inline, if it was struck. */
  get struck(): string | undefined {
    return this.strikeReason;
  }

  strike(reason: string): void {
    this.strikeReason ??= reason;
  }
}

/** Longest an inline slice may hold the host's thread (wall clock) before it is stopped. */
export const INLINE_BUDGET_MS = 5;
/** Runs in a row whose first slice ended within INLINE_BUDGET_MS before a script runs inline. */
export const INLINE_AFTER_CLEAN_RUNS = 8;
