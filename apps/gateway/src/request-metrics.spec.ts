import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { REQUEST_SECONDS_BUCKETS, RequestMetrics } from './request-metrics';

/** What the gateway records: [repository, endpoint, status, seconds or null for a refused request]. */
const REQUESTS: Array<[string, string, number, number | null]> = [
  ['tv', 'GET /tv/hello', 200, 0.0004],
  ['tv', 'GET /tv/hello', 200, 0.001], // on a bound: counted in that bucket (le is inclusive)
  ['tv', 'GET /tv/hello', 504, 0.3],
  ['tv', 'GET /tv/hello', 503, null],
  ['tv', 'POST /tv/rate', 201, 7], // above every bound
  ['phone', 'GET /phone/home', 429, null],
];

/** The same requests through prom-client's own Counter and Histogram: the reference output. */
async function referenceText(): Promise<string> {
  const registry = new Registry();
  const counter = new Counter({ name: 'dsp_gateway_requests_total', help: 'Device requests by repository, endpoint and status', labelNames: ['repository', 'endpoint', 'status'], registers: [registry] });
  const histogram = new Histogram({ name: 'dsp_gateway_request_seconds', help: 'Device request latency', labelNames: ['repository', 'endpoint'], buckets: [...REQUEST_SECONDS_BUCKETS], registers: [registry] });
  for (const [repository, endpoint, status, seconds] of REQUESTS) {
    counter.inc({ repository, endpoint, status: String(status) });
    if (seconds !== null) histogram.observe({ repository, endpoint }, seconds);
  }
  return registry.metrics();
}

describe('RequestMetrics', () => {
  it('exports exactly what prom-client would for the same requests, at every scrape', async () => {
    const registry = new Registry();
    const metrics = new RequestMetrics(registry);
    for (const [repository, endpoint, status, seconds] of REQUESTS) {
      const requests = metrics.of(repository, endpoint);
      requests.counted(status);
      if (seconds !== null) requests.timed(seconds);
    }

    const expected = await referenceText();
    expect(await registry.metrics()).toBe(expected);
    expect(await registry.metrics()).toBe(expected);
    expect(expected).toContain('dsp_gateway_request_seconds_bucket{le="0.001",repository="tv",endpoint="GET /tv/hello"} 2');
    expect(expected).toContain('dsp_gateway_requests_total{repository="tv",endpoint="GET /tv/hello",status="200"} 2');
  });

  it('hands out one set of counts per repository and endpoint', () => {
    const metrics = new RequestMetrics(new Registry());

    expect(metrics.of('tv', 'GET /a')).toBe(metrics.of('tv', 'GET /a'));
    expect(metrics.of('tv', 'GET /a')).not.toBe(metrics.of('phone', 'GET /a'));
  });
});
