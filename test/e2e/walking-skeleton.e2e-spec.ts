/**
 * The walking skeleton end to end, on real Kafka and Cassandra: control, projector and two
 * gateways as separate processes. One commit travels from the API to both API nodes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, distributedEnvironment, startPlatform, waitForHttp } from './support/platform-processes';
import { ControlApi } from './support/control-api';

const REPO = 'tv';
const manifest = JSON.stringify({ endpoints: [{ method: 'GET', path: '/tv/hello/:name', script: 'hello.js' }] }, null, 2);
const helloScript = (version: number): string =>
  `export default async (request) => ({ status: 200, body: { hello: request.params.name, version: ${version} } });\n`;

interface Served {
  status: number;
  version: number | null;
  commit: string | null;
}

async function callHello(gatewayUrl: string): Promise<Served> {
  try {
    const response = await fetch(`${gatewayUrl}/tv/hello/device`);
    const body = (await response.json()) as { version?: number };
    return { status: response.status, version: body.version ?? null, commit: response.headers.get('x-dsp-commit') };
  } catch {
    return { status: 0, version: null, commit: null };
  }
}

async function untilServed(gatewayUrls: string[], commit: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  const pending = new Set(gatewayUrls);
  while (pending.size > 0) {
    if (Date.now() - started > timeoutMs) throw new Error(`commit ${commit} not served by ${[...pending].join(', ')} within ${timeoutMs} ms`);
    for (const url of [...pending]) if ((await callHello(url)).commit === commit) pending.delete(url);
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

describe('walking skeleton over Kafka and Cassandra', () => {
  const { env, token } = distributedEnvironment();
  let api: ControlApi;
  let stopPlatform: () => Promise<void> = async () => undefined;
  const gateways: { process: AppProcess; url: string }[] = [];
  const commits: string[] = [];

  beforeAll(async () => {
    const platform = await startPlatform({ env, token }, { gateways: 2 });
    gateways.push(...platform.gateways);
    api = platform.api;
    stopPlatform = platform.stop;
  });

  afterAll(async () => stopPlatform());

  it('exposes Prometheus metrics on every process', async () => {
    const controlMetrics = await (await fetch(`${api.baseUrl}/metrics`)).text();
    expect(controlMetrics).toContain('process_cpu_seconds_total{app="control"}');
    for (const gateway of gateways) expect(await (await fetch(`${gateway.url}/_dsp/metrics`)).text()).toContain('nodejs_eventloop_lag_seconds');
  });

  it('refuses requests without the bearer token', async () => {
    const response = await fetch(`${api.baseUrl}/v1/repos`);
    expect(response.status).toBe(401);
    const wrong = await fetch(`${api.baseUrl}/v1/repos`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('serves a first commit on both gateways', async () => {
    expect((await api.request('POST', '/v1/repos', { name: REPO })).status).toBe(201);
    const first = await api.commit(REPO, null, 'Say hello', [
      { path: 'dsp.json', content: manifest },
      { path: 'hello.js', content: helloScript(1) },
    ]);
    expect(first.status).toBe(201);
    commits.push(first.body.commit);
    await untilServed(gateways.map((g) => g.url), first.body.commit);
    for (const gateway of gateways) expect(await callHello(gateway.url)).toMatchObject({ status: 200, version: 1 });
    // Each gateway counted and timed what it served, per repository and endpoint.
    for (const gateway of gateways) {
      const metrics = await (await fetch(`${gateway.url}/_dsp/metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^dsp_gateway_requests_total\\{repository="${REPO}",endpoint="GET /tv/hello/:name",status="200"\\} [1-9]`, 'm'));
      expect(metrics).toMatch(new RegExp(`^dsp_gateway_request_seconds_count\\{repository="${REPO}",endpoint="GET /tv/hello/:name"\\} [1-9]`, 'm'));
    }
  });

  it('replaces it on both gateways with a second commit', async () => {
    const second = await api.commit(REPO, commits[0] ?? null, 'Say hello, version 2', [{ path: 'hello.js', content: helloScript(2) }]);
    expect(second.status).toBe(201);
    commits.push(second.body.commit);
    await untilServed(gateways.map((g) => g.url), second.body.commit);
    for (const gateway of gateways) expect(await callHello(gateway.url)).toMatchObject({ status: 200, version: 2 });
  });

  it('answers a stale parent with 409 naming the current head', async () => {
    const stale = await api.commit(REPO, commits[0] ?? null, 'Late edit', [{ path: 'hello.js', content: helloScript(99) }]);
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe('stale-parent');
    expect(stale.body.error?.details.currentHead).toBe(commits[1]);
    expect(stale.body.error?.message).toContain(commits[1]);
  });

  it('refuses a script with a syntax error with 422 and leaves history unchanged', async () => {
    const before = await api.request<{ commits: { commit: string }[] }>('GET', `/v1/repos/${REPO}/commits?ref=main`);
    const bad = await api.commit(REPO, commits[1] ?? null, 'Broken', [{ path: 'hello.js', content: 'export default async (request) => {{ status: 200 };\n' }]);
    expect(bad.status).toBe(422);
    expect(bad.body.error?.code).toBe('invalid-commit');
    const problems = bad.body.error?.details.problems as { path: string; line?: number; message: string }[];
    expect(problems.some((p) => p.path === 'hello.js' && typeof p.line === 'number')).toBe(true);
    const after = await api.request<{ commits: { commit: string }[] }>('GET', `/v1/repos/${REPO}/commits?ref=main`);
    expect(after.body.commits.map((c) => c.commit)).toEqual(before.body.commits.map((c) => c.commit));
    expect(after.body.commits.map((c) => c.commit)).toEqual([commits[1], commits[0]]);
    for (const gateway of gateways) expect(await callHello(gateway.url)).toMatchObject({ version: 2, commit: commits[1] });
  });

  it('refuses an endpoint that another repository owns, and frees it once dropped', async () => {
    expect((await api.request('POST', '/v1/repos', { name: 'mobile' })).status).toBe(201);
    const clash = await api.commit('mobile', null, 'Take the TV route', [
      { path: 'dsp.json', content: JSON.stringify({ endpoints: [{ method: 'GET', path: '/tv/hello/:who', script: 'm.js' }] }) },
      { path: 'm.js', content: helloScript(7) },
    ]);
    expect(clash.status).toBe(422);
    const problems = clash.body.error?.details.problems as { path: string; message: string }[];
    expect(problems).toEqual([{ path: 'dsp.json', message: "GET /tv/hello/:who is already served by repository 'tv'" }]);
    expect((await api.request<{ commits: unknown[] }>('GET', '/v1/repos/mobile/commits?ref=main')).status).toBe(404);
    const own = await api.commit('mobile', null, 'Own route', [
      { path: 'dsp.json', content: JSON.stringify({ endpoints: [{ method: 'GET', path: '/mobile/hello/:who', script: 'm.js' }] }) },
      { path: 'm.js', content: helloScript(7) },
    ]);
    expect(own.status).toBe(201);
  });

  it('serves files and git-format diffs of any two revisions', async () => {
    const file = await api.request('GET', `/v1/repos/${REPO}/files/hello.js?ref=${commits[0]}`);
    expect(file.text).toBe(helloScript(1));
    const diff = await api.request('GET', `/v1/repos/${REPO}/diff?from=${commits[0]}&to=main`);
    expect(diff.status).toBe(200);
    expect(diff.text).toContain('diff --git a/hello.js b/hello.js');
    expect(diff.text).toContain('-export default async (request) => ({ status: 200, body: { hello: request.params.name, version: 1 } });');
    expect(diff.text).toContain('+export default async (request) => ({ status: 200, body: { hello: request.params.name, version: 2 } });');
  });

  it('a restarted gateway serves the latest version', async () => {
    const gateway = gateways[0];
    if (!gateway) throw new Error('no gateway');
    await gateway.process.stop();
    gateway.process.start();
    await waitForHttp(`${gateway.url}/_dsp/health`, gateway.process);
    expect(await callHello(gateway.url)).toMatchObject({ status: 200, version: 2, commit: commits[1] });
  });

  it('replaying every event leaves every projection unchanged', async () => {
    const snapshot = async () => ({
      repos: (await api.request('GET', '/v1/repos')).text,
      log: (await api.request('GET', `/v1/repos/${REPO}/commits?ref=main`)).text,
      refs: (await api.request('GET', `/v1/repos/${REPO}/refs`)).text,
      tree: (await api.request('GET', `/v1/repos/${REPO}/tree?ref=main`)).text,
      first: (await api.request('GET', `/v1/repos/${REPO}/commits/${commits[0]}`)).text,
      endpoints: (await api.request('GET', `/v1/repos/${REPO}/endpoints?ref=main`)).text,
    });
    const before = await snapshot();
    const replay = new AppProcess('projector', env, ['--replay']).start();
    expect(await replay.exited()).toBe(0);
    expect(replay.logs()).toMatch(/replayed \d+ events/);
    expect(await snapshot()).toEqual(before);
    for (const gateway of gateways) expect(await callHello(gateway.url)).toMatchObject({ version: 2, commit: commits[1] });
  });

  it('commit and tree ids equal what git computes for the same content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsp-git-oracle-'));
    try {
      const git = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
        execFileSync('git', args, { cwd: dir, env: { ...process.env, ...extra }, encoding: 'utf8' }).trim();
      git(['init', '-q', '-b', 'main']);
      const contents: Record<string, string>[] = [
        { 'dsp.json': manifest, 'hello.js': helloScript(1) },
        { 'hello.js': helloScript(2) },
      ];
      for (const [i, files] of contents.entries()) {
        const detail = await api.request<{ commit: string; tree: string; message: string; author: { timestamp: number } }>('GET', `/v1/repos/${REPO}/commits/${commits[i]}`);
        for (const [path, content] of Object.entries(files)) {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), content);
        }
        git(['add', '-A']);
        const date = `@${detail.body.author.timestamp} +0000`;
        git(['-c', 'user.name=E2E Tester', '-c', 'user.email=e2e@example.com', 'commit', '-q', '-m', detail.body.message.trimEnd()], {
          GIT_AUTHOR_DATE: date,
          GIT_COMMITTER_DATE: date,
        });
        expect(git(['rev-parse', 'HEAD'])).toBe(detail.body.commit);
        expect(git(['rev-parse', 'HEAD^{tree}'])).toBe(detail.body.tree);
      }
      const ours = await api.request('GET', `/v1/repos/${REPO}/diff?from=${commits[0]}&to=${commits[1]}`);
      expect(ours.text).toBe(`${git(['-c', 'core.abbrev=7', 'diff', commits[0] ?? '', commits[1] ?? ''])}\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves TypeScript compiled once by the projector: every gateway loads the persisted code cache, none compiles from source', async () => {
    const typed = await api.commit(REPO, commits[1] ?? null, 'A typed endpoint', [
      {
        path: 'dsp.json',
        content: JSON.stringify({ endpoints: [{ method: 'GET', path: '/tv/hello/:name', script: 'hello.js' }, { method: 'GET', path: '/tv/typed/:name', script: 'typed.ts' }] }),
      },
      { path: 'lib/greet.ts', content: "export const greet = (name: string): string => `hi ${name}`;\n" },
      {
        path: 'typed.ts',
        content: "import { greet } from './lib/greet.js';\ninterface Request { params: { name: string } }\nexport default async (request: Request) => ({ status: 200, body: { greeting: greet(request.params.name) } });\n",
      },
    ]);
    expect(typed.status).toBe(201);
    commits.push(typed.body.commit);
    for (const gateway of gateways) {
      await expect
        .poll(async () => {
          const response = await fetch(`${gateway.url}/tv/typed/device`).catch(() => null);
          return response === null ? null : { status: response.status, commit: response.headers.get('x-dsp-commit'), body: await response.json().catch(() => null) };
        }, { timeout: 30_000, interval: 20 })
        .toEqual({ status: 200, commit: typed.body.commit, body: { greeting: 'hi device' } });
      const health = (await (await fetch(`${gateway.url}/_dsp/health`)).json()) as { compile: { cacheAccepted: number; cacheRejected: number; cacheMissing: number } };
      expect(health.compile).toMatchObject({ cacheRejected: 0, cacheMissing: 0 });
      expect(health.compile.cacheAccepted).toBeGreaterThanOrEqual(3); // hello.js, typed.ts, lib/greet.ts
    }
  });
});
