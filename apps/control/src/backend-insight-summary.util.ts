import type { ReportedBackendCallTotals } from '@dsp/store';
import type { BackendCallSummaryDto } from './backend-insight.dto';

export interface BackendInsightFilter {
  /** A full commit id or a prefix of one. */
  commit?: string;
  endpoint?: string;
}

/** Sums the nodes' rows per call site (endpoint, commit, service, method), sorted by those four. */
export function sumAcrossNodes(rows: readonly ReportedBackendCallTotals[], filter: BackendInsightFilter = {}): BackendCallSummaryDto[] {
  const sites = new Map<string, { summary: BackendCallSummaryDto; lastReportedAt: number }>();
  for (const row of rows) {
    if (filter.commit !== undefined && !row.commit.startsWith(filter.commit)) continue;
    if (filter.endpoint !== undefined && row.endpoint !== filter.endpoint) continue;
    const key = [row.endpoint, row.commit, row.service, row.method].join('\u0000');
    const site = sites.get(key);
    if (!site) {
      const { endpoint, commit, service, method, calls, failures, totalMs, maxMs } = row;
      const summary = { endpoint, commit, service, method, calls, failures, totalMs, meanMs: 0, maxMs, nodes: 1, lastReportedAt: '' };
      sites.set(key, { summary, lastReportedAt: row.reportedAt.getTime() });
      continue;
    }
    site.summary.calls += row.calls;
    site.summary.failures += row.failures;
    site.summary.totalMs += row.totalMs;
    site.summary.maxMs = Math.max(site.summary.maxMs, row.maxMs);
    site.summary.nodes += 1;
    site.lastReportedAt = Math.max(site.lastReportedAt, row.reportedAt.getTime());
  }
  return [...sites.values()]
    .map(({ summary, lastReportedAt }) => ({
      ...summary,
      totalMs: round(summary.totalMs),
      meanMs: summary.calls === 0 ? 0 : round(summary.totalMs / summary.calls),
      maxMs: round(summary.maxMs),
      lastReportedAt: new Date(lastReportedAt).toISOString(),
    }))
    .sort((a, b) => compare(a.endpoint, b.endpoint) || compare(a.commit, b.commit) || compare(a.service, b.service) || compare(a.method, b.method));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
