/**
 * Self-protection on real Kafka and Cassandra with two gateways: kill switches answer 503 on
 * every gateway within a second (and come back), quotas answer 429 with Retry-After, a script
 * that keeps failing opens its circuit, and the edge refuses oversized requests cleanly. The
 * backend calls scripts make are traced on each gateway and summed over both by the control API.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEventually } from '@dsp/testing';
import { AppProcess, distributedEnvironment, freePort, startPlatform, waitForHttp } from './support/platform-processes';
import { ControlApi } from './support/control-api';

const REPO = 'guarded';
const manifest = JSON.stringify({
  endpoints: [
    { method: 'GET', path: '/guarded/ok', script: 'ok.js' },
    { method: 'GET', path: '/guarded/other', script: 'ok.js' },
    { method: 'GET', path: '/guarded/broken', script: 'broken.js' },
    { method: 'GET', path: '/guarded/title', script: 'title.js' },
  ],
});

/** A GET on a fresh connection, so the cluster's round robin picks a worker each time. */
function freshGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(2_000, () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', reject);
    req.end();
  });
}

describe('self-protection over Kafka and Cassandra', () => {
  const { env, token } = distributedEnvironment();
  let api: ControlApi;
  const processes: AppProcess[] = [];
  const gateways: string[] = [];
  let deployed = '';
  // The backend service the scripts call (`ctx.services.catalog`).
  const catalog = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: '1', name: 'The Orbit' }));
  });

  const status = async (url: string, path: string): Promise<number> => (await fetch(`${url}${path}`)).status;
  const untilEvery = async (path: string, expected: number, timeoutMs = 5_000): Promise<number> => {
    const started = Date.now();
    for (const url of gateways) {
      while ((await status(url, path)) !== expected) {
        if (Date.now() - started > timeoutMs) throw new Error(`${url}${path} is not ${expected} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    return Date.now() - started;
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => catalog.listen(0, '127.0.0.1', resolve));
    const services = `catalog=http://127.0.0.1:${(catalog.address() as AddressInfo).port}`;
    const platform = await startPlatform(
      { env, token },
      { gateways: 2, gatewayEnv: { DSP_SERVICES: services, DSP_SERVICES_ALLOW_PRIVATE: 'catalog', DSP_GATEWAY_BREAKER_FAILURES: '3', DSP_GATEWAY_BREAKER_OPEN_MS: '60000' } },
    );
    processes.push(...platform.processes);
    gateways.push(...platform.gateways.map((gateway) => gateway.url));
    api = platform.api;
    expect((await api.request('POST', '/v1/repos', { name: REPO })).status).toBe(201);
    const commit = await api.commit(REPO, null, 'Endpoints', [
      { path: 'dsp.json', content: manifest },
      { path: 'ok.js', content: 'export default async () => ({ status: 200, body: { ok: true } });\n' },
      { path: 'broken.js', content: "export default async () => { throw new Error('backend contract changed'); };\n" },
      { path: 'title.js', content: "export default async (request, ctx) => {\n  const title = await ctx.services.catalog.get('/titles/1');\n  return { status: title.status, body: title.body };\n};\n" },
    ]);
    expect(commit.status).toBe(201);
    deployed = commit.body.commit;
    await untilEvery('/guarded/ok', 200, 30_000);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await new Promise((resolve) => catalog.close(resolve));
  });

  it("traces each gateway's backend calls and sums them over both in the control API", async () => {
    const [first, second] = gateways as [string, string];
    for (let i = 0; i < 3; i++) expect(await status(first, '/guarded/title')).toBe(200);
    for (let i = 0; i < 2; i++) expect(await status(second, '/guarded/title')).toBe(200);
    const site = { endpoint: 'GET /guarded/title', commit: deployed, service: 'catalog', method: 'GET', failures: 0 };
    for (const [url, calls] of [[first, 3], [second, 2]] as const) {
      const local = (await (await fetch(`${url}/_dsp/insight?repository=${REPO}`)).json()) as { calls: unknown[] };
      expect(local.calls).toEqual([expect.objectContaining({ ...site, repository: REPO, calls })]);
    }

    await expectEventually(
      async () => {
        const insight = await api.request<{ repository: string; calls: unknown[] }>('GET', `/v1/repos/${REPO}/insight`);
        expect(insight.status).toBe(200);
        expect(insight.body).toEqual({ repository: REPO, calls: [expect.objectContaining({ ...site, calls: 5, nodes: 2 })] });
      },
      { timeoutMs: 10_000, intervalMs: 100, description: 'the control API to sum both gateways' },
    );
    const filtered = await api.request<{ calls: unknown[] }>('GET', `/v1/repos/${REPO}/insight?commit=${deployed.slice(0, 7)}&endpoint=${encodeURIComponent('GET /guarded/title')}`);
    expect(filtered.body.calls).toHaveLength(1);
    expect((await api.request('GET', '/v1/repos/nope/insight')).status).toBe(404);
  });

  it('switches a route off on every gateway within a second, leaves the others alone, and back on', async () => {
    const off = await api.request('POST', `/v1/repos/${REPO}/switches`, { route: 'GET /guarded/ok', enabled: false, reason: 'incident 42' });
    expect(off.status).toBe(200);
    const took = await untilEvery('/guarded/ok', 503);
    expect(took).toBeLessThan(1_000);
    for (const url of gateways) expect(await status(url, '/guarded/other')).toBe(200);
    const body = (await (await fetch(`${gateways[0]}/guarded/ok`)).json()) as { error: { code: string } };
    expect(body.error.code).toBe('switched-off');
    await api.request('POST', `/v1/repos/${REPO}/switches`, { route: 'GET /guarded/ok', enabled: true, reason: 'resolved' });
    expect(await untilEvery('/guarded/ok', 200)).toBeLessThan(1_000);
  });

  it('switches the whole repository off and on', async () => {
    await api.request('POST', `/v1/repos/${REPO}/switches`, { enabled: false, reason: 'kill it' });
    await untilEvery('/guarded/other', 503);
    await api.request('POST', `/v1/repos/${REPO}/switches`, { enabled: true, reason: 'back' });
    await untilEvery('/guarded/other', 200);
  });

  it('limits requests per second with 429 and Retry-After', async () => {
    expect((await api.request('PUT', `/v1/repos/${REPO}/quotas`, { requestsPerSecond: 5 })).status).toBe(200);
    const url = gateways[0] ?? '';
    const deadline = Date.now() + 5_000;
    let limited: Response | null = null;
    while (!limited && Date.now() < deadline) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${url}/guarded/ok`)));
      limited = responses.find((r) => r.status === 429) ?? null;
    }
    expect(limited?.headers.get('retry-after')).toBe('1');
    expect(((await limited?.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
    await api.request('PUT', `/v1/repos/${REPO}/quotas`, {});
  });

  it('opens the circuit of an endpoint that keeps failing and fails fast', async () => {
    const url = gateways[1] ?? '';
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) seen.push(await status(url, '/guarded/broken'));
    expect(seen.slice(0, 3)).toEqual([500, 500, 500]);
    expect(seen[3]).toBe(503);
    const response = await fetch(`${url}/guarded/broken`);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('circuit-open');
    expect(await status(url, '/guarded/ok')).toBe(200);
  });

  it('keeps answering while a gateway worker dies (as in a catastrophic isolate failure) and replaces it', async () => {
    const port = await freePort();
    const gateway = new AppProcess('gateway', { ...env, DSP_GATEWAY_PORT: String(port), DSP_GATEWAY_WORKERS: '2' }).start();
    processes.push(gateway);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/_dsp/health`, gateway);
    const pids = new Set<number>();
    const deadline = Date.now() + 30_000;
    while (pids.size < 2 && Date.now() < deadline) {
      const health = JSON.parse((await freshGet(`${url}/_dsp/health`)).body) as { pid: number; repositories: number };
      if (health.repositories > 0) pids.add(health.pid);
    }
    expect(pids.size).toBe(2);
    const [victim] = [...pids];
    process.kill(victim ?? 0, 'SIGKILL');
    let ok = 0;
    let failed = 0;
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      const answered = await freshGet(`${url}/guarded/other`).then((r) => r.status === 200).catch(() => false);
      if (answered) ok += 1;
      else failed += 1;
    }
    expect(ok).toBeGreaterThan(0);
    expect(failed / (ok + failed)).toBeLessThan(0.1);
    const replaced = new Set<number>();
    const again = Date.now() + 30_000;
    while (Date.now() < again && ![...replaced].some((pid) => !pids.has(pid))) {
      const health = await freshGet(`${url}/_dsp/health`).then((r) => JSON.parse(r.body) as { pid: number; repositories: number }).catch(() => null);
      if (health && health.repositories > 0) replaced.add(health.pid);
    }
    expect([...replaced].some((pid) => !pids.has(pid))).toBe(true);
  });

  it('refuses oversized bodies, URLs and headers at the edge without falling over', async () => {
    const url = gateways[0] ?? '';
    expect((await fetch(`${url}/guarded/ok?x=${'a'.repeat(9000)}`)).status).toBe(414);
    const big = await fetch(`${url}/guarded/ok`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'text/plain' } });
    expect(big.status).toBe(413);
    const headerStatus = await new Promise<number>((resolve, reject) => {
      const port = Number(new URL(url).port);
      const req = httpRequest({ host: '127.0.0.1', port, path: '/guarded/ok', headers: { 'x-big': 'h'.repeat(20_000) } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end();
    });
    expect(headerStatus).toBe(431);
    expect(await status(url, '/guarded/ok')).toBe(200);
  });
});
