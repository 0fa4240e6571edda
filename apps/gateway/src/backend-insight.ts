/**
 * Insight into scripts' use of the backend (what the original platform lacked): every call a
 * script makes through `ctx` is traced per repository, endpoint and script version (commit):
 * which service and method, how often, how long, how it ended. Aggregated in memory on each
 * node, exported as Prometheus metrics and as JSON on `/_dsp/insight`, and the changed running
 * totals handed to the InsightReporter, which stores them for the control API's cross-node view.
 */
import { BackendServices, type BackendCall, type BackendResult } from '@dsp/runtime';
import type { BackendCallTotals } from '@dsp/store';
import { Counter, Histogram, type Registry } from 'prom-client';

export interface CallSite {
  repository: string;
  endpoint: string;
  commit: string;
}

/** This node's running totals for one call site (repository, endpoint, commit, service, method). */
export type CallStats = BackendCallTotals;

/** Rows to store, and how to say they were stored. */
export interface UnflushedCallStats {
  rows: CallStats[];
  /** Marks exactly these totals as stored; calls recorded since make their rows changed again. */
  acknowledge(): void;
}

export class BackendInsight {
  private readonly stats = new Map<string, CallStats>();
  /** Per call site, its `calls` at the last acknowledged flush (calls only grow, so it tells what changed). */
  private readonly flushedCalls = new Map<string, number>();
  private readonly calls: Counter;
  private readonly duration: Histogram;

  constructor() {
    const labelNames = ['repository', 'endpoint', 'commit', 'service', 'method', 'outcome'];
    this.calls = new Counter({ name: 'dsp_backend_calls_total', help: 'Backend calls made by scripts', labelNames, registers: [] });
    this.duration = new Histogram({
      name: 'dsp_backend_call_seconds',
      help: 'Duration of backend calls made by scripts',
      labelNames: ['repository', 'endpoint', 'service', 'method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [],
    });
  }

  /** Adds the `dsp_backend_call*` metrics to a node's Prometheus registry. */
  exportMetrics(metrics: Registry): void {
    metrics.registerMetric(this.calls);
    metrics.registerMetric(this.duration);
  }

  /** The services as one request's script sees them: the same calls, traced. */
  tracing(services: BackendServices, site: CallSite): BackendServices {
    return new TracedBackendServices(services, site, this);
  }

  record(site: CallSite, call: BackendCall, ms: number, outcome: 'ok' | 'error-status' | 'failed'): void {
    const method = call.method.toUpperCase();
    const key = `${site.repository}\u0000${site.endpoint}\u0000${site.commit}\u0000${call.service}\u0000${method}`;
    let stats = this.stats.get(key);
    if (!stats) {
      stats = { ...site, service: call.service, method, calls: 0, failures: 0, totalMs: 0, maxMs: 0 };
      this.stats.set(key, stats);
    }
    stats.calls += 1;
    if (outcome !== 'ok') stats.failures += 1;
    stats.totalMs += ms;
    stats.maxMs = Math.max(stats.maxMs, ms);
    this.calls.inc({ repository: site.repository, endpoint: site.endpoint, commit: site.commit.slice(0, 12), service: call.service, method, outcome });
    this.duration.observe({ repository: site.repository, endpoint: site.endpoint, service: call.service, method }, ms / 1000);
  }

  /** Per endpoint and version: which services it calls, how often and how long (mean and max). */
  report(repository?: string): (CallStats & { meanMs: number })[] {
    return [...this.stats.values()]
      .filter((s) => repository === undefined || s.repository === repository)
      .map((s) => ({ ...s, totalMs: round(s.totalMs), maxMs: round(s.maxMs), meanMs: round(s.totalMs / s.calls) }))
      .sort((a, b) => b.calls - a.calls);
  }

  /** Copies of the running totals of every call site that had calls since the last acknowledged flush. */
  unflushed(): UnflushedCallStats {
    const changed = [...this.stats].filter(([key, stats]) => this.flushedCalls.get(key) !== stats.calls).map(([key, stats]) => ({ key, stats: { ...stats } }));
    return {
      rows: changed.map((c) => c.stats),
      acknowledge: () => {
        for (const { key, stats } of changed) this.flushedCalls.set(key, Math.max(stats.calls, this.flushedCalls.get(key) ?? 0));
      },
    };
  }
}

class TracedBackendServices extends BackendServices {
  constructor(
    private readonly inner: BackendServices,
    private readonly site: CallSite,
    private readonly insight: BackendInsight,
  ) {
    super();
  }

  async call(call: BackendCall): Promise<BackendResult> {
    const started = performance.now();
    try {
      const result = await this.inner.call(call);
      this.insight.record(this.site, call, performance.now() - started, result.status >= 500 ? 'error-status' : 'ok');
      return result;
    } catch (error) {
      this.insight.record(this.site, call, performance.now() - started, 'failed');
      throw error;
    }
  }

  names(): string[] {
    return this.inner.names();
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
