/**
 * Device requests per repository and endpoint (`dsp_gateway_requests_total` by status and the
 * `dsp_gateway_request_seconds` histogram), the gateway's busiest metrics. They are counted in
 * plain numbers on the hot path, where prom-client would hash and validate the labels on every
 * inc and observe, and handed to prom-client when `/_dsp/metrics` is scraped.
 */
import { Counter, type Metric, type Registry } from 'prom-client';

/** One series of a histogram, as a prom-client registry formats it. */
interface HistogramValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/** Upper bounds (inclusive) of the latency histogram's buckets, in seconds. */
export const REQUEST_SECONDS_BUCKETS: readonly number[] = Object.freeze([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);

/** One endpoint's counts; the gateway takes it once per installed endpoint. */
export class EndpointRequests {
  private readonly byStatus = new Map<number, number>();
  /** Requests per bucket, not cumulative; the last one holds those above every bound. */
  private readonly buckets = new Float64Array(REQUEST_SECONDS_BUCKETS.length + 1);
  private sum = 0;
  private count = 0;

  constructor(
    readonly repository: string,
    readonly endpoint: string,
  ) {}

  /** A request answered with `status` (refused ones included). */
  counted(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  /** How long a request that ran its script took. */
  timed(seconds: number): void {
    let bucket = 0;
    while (bucket < REQUEST_SECONDS_BUCKETS.length && seconds > REQUEST_SECONDS_BUCKETS[bucket]!) bucket += 1;
    this.buckets[bucket]! += 1;
    this.sum += seconds;
    this.count += 1;
  }

  statuses(): IterableIterator<[number, number]> {
    return this.byStatus.entries();
  }

  /** The histogram's series for this endpoint, as prom-client exports a histogram: none before a request is timed. */
  histogramValues(name: string): HistogramValue[] {
    if (this.count === 0) return [];
    const labels = { repository: this.repository, endpoint: this.endpoint };
    const values: HistogramValue[] = [];
    let cumulative = 0;
    REQUEST_SECONDS_BUCKETS.forEach((bound, bucket) => {
      cumulative += this.buckets[bucket]!;
      values.push({ metricName: `${name}_bucket`, labels: { le: bound, ...labels }, value: cumulative });
    });
    values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...labels }, value: this.count });
    values.push({ metricName: `${name}_sum`, labels, value: this.sum });
    values.push({ metricName: `${name}_count`, labels, value: this.count });
    return values;
  }
}

export class RequestMetrics {
  private readonly endpoints = new Map<string, EndpointRequests>();

  constructor(registry: Registry) {
    const endpoints = this.endpoints;
    new Counter({
      name: 'dsp_gateway_requests_total',
      help: 'Device requests by repository, endpoint and status',
      labelNames: ['repository', 'endpoint', 'status'],
      registers: [registry],
      collect() {
        this.reset();
        for (const requests of endpoints.values()) {
          for (const [status, count] of requests.statuses()) this.inc({ repository: requests.repository, endpoint: requests.endpoint, status: String(status) }, count);
        }
      },
    });
    const name = 'dsp_gateway_request_seconds';
    const help = 'Device request latency';
    const histogram = {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({
        name,
        help,
        type: 'histogram',
        aggregator: 'sum',
        values: [...endpoints.values()].flatMap((requests) => requests.histogramValues(name)),
      }),
      reset: (): void => undefined,
    };
    // A registry only ever calls get() (and reset()) on a metric: this one builds its series from
    // the counts above instead of keeping its own.
    registry.registerMetric(histogram as unknown as Metric);
  }

  /** The counts of one endpoint of a repository (one object per pair, kept for the process's life). */
  of(repository: string, endpoint: string): EndpointRequests {
    const key = `${repository}\n${endpoint}`;
    let requests = this.endpoints.get(key);
    if (requests === undefined) {
      requests = new EndpointRequests(repository, endpoint);
      this.endpoints.set(key, requests);
    }
    return requests;
  }
}
