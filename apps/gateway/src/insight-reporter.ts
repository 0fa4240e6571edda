/**
 * Hands this node's backend insight to the shared InsightStore, so the control API can sum it
 * across nodes: every interval and once more on stop, only the call sites that changed, as
 * running totals (a lost or repeated write is repaired by the next one).
 */
import type { InsightStore } from '@dsp/store';
import type { BackendInsight } from './backend-insight';

export class InsightReporter {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly insight: BackendInsight,
    private readonly store: InsightStore,
    /** Unique per process, so two nodes never overwrite each other's rows. */
    readonly node: string,
    private readonly logger: (message: string) => void = () => undefined,
  ) {}

  start(intervalMs: number): void {
    // A tick while a slow write is still running is skipped rather than queued behind it.
    this.timer = setInterval(() => {
      if (!this.inFlight) void this.flush();
    }, intervalMs);
    this.timer.unref();
  }

  /** Writes what changed since the last stored flush. Never rejects: a failed write is logged and retried next time. */
  async flush(): Promise<void> {
    // One write at a time, so a node's older totals never land after its newer ones.
    while (this.inFlight) await this.inFlight;
    const write = this.write().finally(() => {
      this.inFlight = null;
    });
    this.inFlight = write;
    await write;
  }

  /** Stops the timer and writes once more, after any write in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async write(): Promise<void> {
    const changes = this.insight.unflushed();
    if (changes.rows.length === 0) return;
    try {
      await this.store.report(this.node, changes.rows);
      changes.acknowledge();
    } catch (error) {
      this.logger(`backend insight not stored (kept for the next flush): ${String(error)}`);
    }
  }
}
