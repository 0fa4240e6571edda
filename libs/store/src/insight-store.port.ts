/**
 * Backend insight across gateway nodes: each node reports its cumulative totals of the backend
 * calls scripts made through it, and readers sum the nodes' rows. A node's report overwrites its
 * own earlier one (cumulative totals make the write idempotent), and rows that are not reported
 * again within the store's time to live disappear, so nodes that are gone age out.
 */

/** One node's totals, since it started, for one endpoint of one commit calling one service method. */
export interface BackendCallTotals {
  repository: string;
  /** `GET /tv/hello/:name` */
  endpoint: string;
  commit: string;
  service: string;
  /** Upper case: `GET`, `POST`. */
  method: string;
  calls: number;
  /** Calls that threw or answered 5xx. */
  failures: number;
  totalMs: number;
  maxMs: number;
}

export interface ReportedBackendCallTotals extends BackendCallTotals {
  node: string;
  reportedAt: Date;
}

/** Rows are kept this long after their last report unless an adapter is told otherwise. */
export const DEFAULT_INSIGHT_TTL_SECONDS = 7 * 24 * 60 * 60;

export abstract class InsightStore {
  /** Upserts the node's rows (any repositories); each replaces the node's earlier row for the same call site. */
  abstract report(node: string, totals: readonly BackendCallTotals[]): Promise<void>;
  /** Every live row of a repository, one per node and call site, in no particular order. */
  abstract read(repository: string): Promise<ReportedBackendCallTotals[]>;
}
