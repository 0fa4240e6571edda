import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { BackendServices, type BackendCall, type BackendResult } from '@dsp/runtime';
import { BackendInsight } from './backend-insight';

/** Answers with the status in the call's path (`/503`), or throws for `/throw`. */
class ScriptedServices extends BackendServices {
  async call(call: BackendCall): Promise<BackendResult> {
    if (call.path === '/throw') throw new Error('unreachable');
    return { status: Number(call.path.slice(1)), body: null };
  }
  names(): string[] {
    return ['catalog', 'ratings'];
  }
}

const COMMIT = 'c'.repeat(40);
const site = { repository: 'tv', endpoint: 'GET /tv/titles/:id', commit: COMMIT };

describe('BackendInsight', () => {
  const traced = (insight: BackendInsight) => insight.tracing(new ScriptedServices(), site);
  const summary = (rows: { service: string; method: string; calls: number; failures: number }[]) =>
    rows.map((r) => `${r.service} ${r.method} ${r.calls}/${r.failures}`).sort();

  it('hands over only the call sites with calls since the last acknowledged flush, as running totals', async () => {
    const insight = new BackendInsight();
    const services = traced(insight);
    await services.call({ service: 'catalog', method: 'get', path: '/200' });
    await services.call({ service: 'catalog', method: 'get', path: '/200' });
    await services.call({ service: 'ratings', method: 'get', path: '/503' });

    const first = insight.unflushed();
    expect(summary(first.rows)).toEqual(['catalog GET 2/0', 'ratings GET 1/1']);
    expect(first.rows.find((r) => r.service === 'catalog')).toMatchObject({ ...site, service: 'catalog', method: 'GET', calls: 2, failures: 0 });
    first.acknowledge();
    expect(insight.unflushed().rows).toEqual([]);

    await services.call({ service: 'catalog', method: 'get', path: '/200' });
    await expect(services.call({ service: 'catalog', method: 'post', path: '/throw' })).rejects.toThrow('unreachable');
    expect(summary(insight.unflushed().rows)).toEqual(['catalog GET 3/0', 'catalog POST 1/1']);
  });

  it('keeps rows changed until they are acknowledged, and calls recorded during a write changed after it', async () => {
    const insight = new BackendInsight();
    const services = traced(insight);
    await services.call({ service: 'catalog', method: 'get', path: '/200' });

    const unacknowledged = insight.unflushed();
    expect(summary(unacknowledged.rows)).toEqual(['catalog GET 1/0']);
    const writing = insight.unflushed();
    expect(summary(writing.rows)).toEqual(['catalog GET 1/0']);

    await services.call({ service: 'catalog', method: 'get', path: '/200' });
    expect(summary(writing.rows)).toEqual(['catalog GET 1/0']);
    writing.acknowledge();
    expect(summary(insight.unflushed().rows)).toEqual(['catalog GET 2/0']);
  });

  it('still exports the calls as Prometheus metrics on the registry it is given', async () => {
    const insight = new BackendInsight();
    const metrics = new Registry();
    insight.exportMetrics(metrics);
    await traced(insight).call({ service: 'catalog', method: 'get', path: '/200' });
    expect(await metrics.metrics()).toMatch(/dsp_backend_calls_total\{[^}]*service="catalog",method="GET",outcome="ok"\} 1/);
  });
});
