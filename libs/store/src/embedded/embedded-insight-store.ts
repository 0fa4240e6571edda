import { BackendCallTotals, DEFAULT_INSIGHT_TTL_SECONDS, InsightStore, ReportedBackendCallTotals } from '../insight-store.port';

interface StoredTotals {
  row: ReportedBackendCallTotals;
  expiresAt: number;
}

/** In memory, per repository; rows past their time to live are skipped on read and dropped on the next report. */
export class EmbeddedInsightStore extends InsightStore {
  private readonly repositories = new Map<string, Map<string, StoredTotals>>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: { ttlSeconds?: number; now?: () => number } = {}) {
    super();
    this.ttlMs = (options.ttlSeconds ?? DEFAULT_INSIGHT_TTL_SECONDS) * 1000;
    this.now = options.now ?? Date.now;
  }

  async report(node: string, totals: readonly BackendCallTotals[]): Promise<void> {
    const now = this.now();
    for (const rows of this.repositories.values()) {
      for (const [key, stored] of rows) if (stored.expiresAt <= now) rows.delete(key);
    }
    for (const t of totals) {
      let rows = this.repositories.get(t.repository);
      if (!rows) {
        rows = new Map();
        this.repositories.set(t.repository, rows);
      }
      const key = [t.endpoint, t.commit, t.service, t.method, node].join('\u0000');
      rows.set(key, { row: { ...t, node, reportedAt: new Date(now) }, expiresAt: now + this.ttlMs });
    }
  }

  async read(repository: string): Promise<ReportedBackendCallTotals[]> {
    const now = this.now();
    return [...(this.repositories.get(repository)?.values() ?? [])].filter((s) => s.expiresAt > now).map((s) => ({ ...s.row, reportedAt: new Date(s.row.reportedAt) }));
  }
}
