import type { Client } from 'cassandra-driver';
import { allRows } from './all-rows.util';
import { BackendCallTotals, DEFAULT_INSIGHT_TTL_SECONDS, InsightStore, ReportedBackendCallTotals } from '../insight-store.port';

/** Statements per batch; a batch holds one repository's rows, so it stays within one partition. */
const BATCH_SIZE = 50;

const INSERT =
  'INSERT INTO backend_insight (repository, endpoint, commit, service, method, node, calls, failures, total_ms, max_ms, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?';

interface RowLike {
  get(name: string): unknown;
}

/** Upserts USING TTL into the `backend_insight` table, one unlogged single-partition batch per repository and chunk. */
export class CassandraInsightStore extends InsightStore {
  constructor(
    private readonly client: Client,
    private readonly ttlSeconds = DEFAULT_INSIGHT_TTL_SECONDS,
  ) {
    super();
  }

  async report(node: string, totals: readonly BackendCallTotals[]): Promise<void> {
    const reportedAt = new Date();
    const byRepository = new Map<string, BackendCallTotals[]>();
    for (const t of totals) {
      const rows = byRepository.get(t.repository);
      if (rows) rows.push(t);
      else byRepository.set(t.repository, [t]);
    }
    for (const rows of byRepository.values()) {
      for (let i = 0; i < rows.length; i += BATCH_SIZE) {
        const queries = rows.slice(i, i + BATCH_SIZE).map((t) => ({
          query: INSERT,
          params: [t.repository, t.endpoint, t.commit, t.service, t.method, node, t.calls, t.failures, t.totalMs, t.maxMs, reportedAt, this.ttlSeconds],
        }));
        await this.client.batch(queries, { prepare: true, logged: false });
      }
    }
  }

  async read(repository: string): Promise<ReportedBackendCallTotals[]> {
    const rows = (await allRows(this.client, 'SELECT * FROM backend_insight WHERE repository = ?', [repository])) as RowLike[];
    return rows.map((row) => ({
      repository: String(row.get('repository')),
      endpoint: String(row.get('endpoint')),
      commit: String(row.get('commit')),
      service: String(row.get('service')),
      method: String(row.get('method')),
      node: String(row.get('node')),
      calls: Number(row.get('calls')),
      failures: Number(row.get('failures')),
      totalMs: Number(row.get('total_ms')),
      maxMs: Number(row.get('max_ms')),
      reportedAt: row.get('reported_at') as Date,
    }));
  }
}
