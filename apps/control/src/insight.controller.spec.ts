/** `GET /v1/repos/{repo}/insight` on embedded engines: two gateway nodes' reports, summed. */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendCallTotals, StorageEngines } from '@dsp/store';
import { expectEventually } from '@dsp/testing';
import { startEmbeddedControlPlane } from './embedded-control-plane-test.util';

const token = 'spec-token';
const auth = { authorization: `Bearer ${token}` };
const V1 = '1111111111111111111111111111111111111111';
const V2 = '2222222222222222222222222222222222222222';
const TITLES = 'GET /tv/titles/:id';
const HOME = 'GET /tv/home';

interface Summary {
  endpoint: string;
  commit: string;
  service: string;
  method: string;
  calls: number;
  failures: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  nodes: number;
  lastReportedAt: string;
}

describe('backend insight across gateway nodes', () => {
  let app: NestFastifyApplication;
  let engines: StorageEngines;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const plane = await startEmbeddedControlPlane(token);
    app = plane.app;
    engines = plane.engines;
    stop = plane.close;
  });
  afterAll(async () => stop());

  const get = async (url: string, headers: Record<string, string> = auth) => {
    const response = await app.inject({ method: 'GET', url, headers });
    return { status: response.statusCode, body: response.json<{ repository?: string; calls?: Summary[]; error?: { code: string; message: string } }>() };
  };
  const totals = (extra: Partial<BackendCallTotals>): BackendCallTotals => ({
    repository: 'tv', endpoint: TITLES, commit: V1, service: 'catalog', method: 'GET', calls: 1, failures: 0, totalMs: 1, maxMs: 1, ...extra,
  });

  it('sums the nodes per endpoint, commit, service and method: calls, failures, time, the slowest call, how many nodes', async () => {
    expect((await app.inject({ method: 'POST', url: '/v1/repos', payload: { name: 'tv' }, headers: auth })).statusCode).toBe(201);
    await expectEventually(async () => expect(await get('/v1/repos/tv/insight')).toEqual({ status: 200, body: { repository: 'tv', calls: [] } }), { timeoutMs: 3000 });

    const before = Date.now();
    await engines.insight.report('gateway-a', [
      totals({ calls: 10, failures: 1, totalMs: 50.5, maxMs: 20 }),
      totals({ service: 'ratings', calls: 4, totalMs: 8, maxMs: 3 }),
      totals({ commit: V2, calls: 2, totalMs: 3, maxMs: 2 }),
      totals({ repository: 'radio', calls: 99 }),
    ]);
    await engines.insight.report('gateway-b', [totals({ calls: 6, failures: 2, totalMs: 30.25, maxMs: 41.5 }), totals({ endpoint: HOME, method: 'POST', calls: 1, totalMs: 2, maxMs: 2 })]);
    const after = Date.now();

    const { status, body } = await get('/v1/repos/tv/insight');
    expect(status).toBe(200);
    expect(body.repository).toBe('tv');
    const calls = body.calls ?? [];
    expect(calls.map(({ lastReportedAt: _at, ...site }) => site)).toEqual([
      { endpoint: HOME, commit: V1, service: 'catalog', method: 'POST', calls: 1, failures: 0, totalMs: 2, meanMs: 2, maxMs: 2, nodes: 1 },
      { endpoint: TITLES, commit: V1, service: 'catalog', method: 'GET', calls: 16, failures: 3, totalMs: 80.75, meanMs: 5.05, maxMs: 41.5, nodes: 2 },
      { endpoint: TITLES, commit: V1, service: 'ratings', method: 'GET', calls: 4, failures: 0, totalMs: 8, meanMs: 2, maxMs: 3, nodes: 1 },
      { endpoint: TITLES, commit: V2, service: 'catalog', method: 'GET', calls: 2, failures: 0, totalMs: 3, meanMs: 1.5, maxMs: 2, nodes: 1 },
    ]);
    for (const call of calls) {
      expect(Date.parse(call.lastReportedAt)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(call.lastReportedAt)).toBeLessThanOrEqual(after);
    }
  });

  it("counts a node's newer report instead of adding it to its older one", async () => {
    await engines.insight.report('gateway-a', [totals({ calls: 12, failures: 1, totalMs: 60.5, maxMs: 20 })]);
    const catalog = (await get(`/v1/repos/tv/insight?endpoint=${encodeURIComponent(TITLES)}&commit=${V1}`)).body.calls?.find((c) => c.service === 'catalog');
    expect(catalog).toMatchObject({ calls: 18, failures: 3, totalMs: 90.75, nodes: 2 });
  });

  it('filters by commit (a prefix is enough) and by endpoint', async () => {
    const sites = async (query: string) => ((await get(`/v1/repos/tv/insight?${query}`)).body.calls ?? []).map((c) => `${c.endpoint} ${c.commit.slice(0, 4)} ${c.service}`);
    expect(await sites(`commit=${V2.slice(0, 7)}`)).toEqual([`${TITLES} 2222 catalog`]);
    expect(await sites(`endpoint=${encodeURIComponent(TITLES)}`)).toEqual([`${TITLES} 1111 catalog`, `${TITLES} 1111 ratings`, `${TITLES} 2222 catalog`]);
    expect(await sites(`endpoint=${encodeURIComponent(HOME)}&commit=${V2}`)).toEqual([]);
  });

  it('answers 404 for an unknown repository, 400 for a malformed commit, 401 without the token, and is in the OpenAPI document', async () => {
    expect(await get('/v1/repos/nope/insight')).toMatchObject({ status: 404, body: { error: { code: 'repository-not-found' } } });
    expect(await get('/v1/repos/tv/insight?commit=zz')).toMatchObject({ status: 400, body: { error: { code: 'invalid-request' } } });
    expect((await get('/v1/repos/tv/insight', {})).status).toBe(401);
    const openapi = (await app.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{ paths: Record<string, { get?: { parameters?: { name: string }[] } }> }>();
    expect(openapi.paths['/v1/repos/{repo}/insight']?.get?.parameters?.map((p) => p.name).sort()).toEqual(['commit', 'endpoint', 'repo']);
  });
});
