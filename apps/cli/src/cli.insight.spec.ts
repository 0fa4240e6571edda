/** `dsp insight` against the fake control API. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BackendInsight } from './control-api.type';
import { FakeControlServer, runDsp, type Run } from './fake-control-server.fake';

const V1 = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const V2 = '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c';
const AT = '2024-05-01T12:00:05.000Z';

const insight: BackendInsight = {
  repository: 'tv',
  calls: [
    { endpoint: 'GET /tv/home', commit: V1, service: 'catalog', method: 'POST', calls: 1, failures: 0, totalMs: 2, meanMs: 2, maxMs: 2, nodes: 1, lastReportedAt: AT },
    { endpoint: 'GET /tv/titles/:id', commit: V1, service: 'catalog', method: 'GET', calls: 16, failures: 3, totalMs: 80.75, meanMs: 5.05, maxMs: 41.5, nodes: 2, lastReportedAt: AT },
    { endpoint: 'GET /tv/titles/:id', commit: V2, service: 'ratings', method: 'GET', calls: 4, failures: 0, totalMs: 8, meanMs: 2, maxMs: 3, nodes: 1, lastReportedAt: AT },
  ],
};

describe('dsp insight', () => {
  let fake: FakeControlServer;
  let root: string;
  let env: Record<string, string>;

  const run = (argv: string[]): Promise<Run> => runDsp(argv, { cwd: root, env });
  const insightRequests = (repo: string) => fake.requests.filter((request) => request.path === `/v1/repos/${repo}/insight`);

  beforeEach(async () => {
    fake = new FakeControlServer();
    root = await mkdtemp(join(tmpdir(), 'dsp-cli-insight-'));
    env = { DSP_URL: await fake.start(), DSP_TOKEN: 'secret-token' };
  });

  afterEach(async () => {
    await fake.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('prints one line per endpoint, commit, service and method, summed over the gateways', async () => {
    fake.on('GET', '/v1/repos/tv/insight', { status: 200, body: insight });

    const result = await run(['insight', 'tv']);

    expect(result).toEqual({
      exitCode: 0,
      stderr: '',
      stdout: [
        'ENDPOINT            COMMIT   SERVICE  METHOD  CALLS  FAILED  MEAN MS  MAX MS  NODES',
        'GET /tv/home        1a2b3c4  catalog  POST    1      0       2.0      2.0     1',
        'GET /tv/titles/:id  1a2b3c4  catalog  GET     16     3       5.0      41.5    2',
        'GET /tv/titles/:id  9f8e7d6  ratings  GET     4      0       2.0      3.0     1',
        '',
      ].join('\n'),
    });
    expect(insightRequests('tv')[0]?.headers.authorization).toBe('Bearer secret-token');
  });

  it('passes --commit and --endpoint as filters, and prints the document under --json', async () => {
    fake.on('GET', '/v1/repos/tv/insight', { status: 200, body: { repository: 'tv', calls: insight.calls.slice(2) } });

    const result = await run(['insight', 'tv', '--commit', '9f8e7d6', '--endpoint', 'GET /tv/titles/:id', '--json']);

    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ repository: 'tv', calls: insight.calls.slice(2) });
    expect(insightRequests('tv')[0]?.query).toEqual({ commit: '9f8e7d6', endpoint: 'GET /tv/titles/:id' });
  });

  it('takes the repository from --repo or DSP_REPO when none is given, and says when nothing was recorded', async () => {
    fake.on('GET', '/v1/repos/radio/insight', { status: 200, body: { repository: 'radio', calls: [] } });
    env.DSP_REPO = 'radio';

    expect(await run(['insight'])).toEqual({ exitCode: 0, stderr: '', stdout: 'No backend calls recorded for radio yet (gateways report every few seconds).\n' });
    delete env.DSP_REPO;
    expect((await run(['insight', '--repo', 'radio'])).exitCode).toBe(0);
    expect(insightRequests('radio')).toHaveLength(2);
  });

  it('refuses to run without a repository, and reports an unknown one with exit code 2', async () => {
    const missing = await run(['insight']);
    expect(missing).toMatchObject({ exitCode: 1, stdout: '' });
    expect(missing.stderr).toContain('no repository given: dsp insight <repo>');
    expect(fake.requests).toEqual([]);

    fake.on('GET', '/v1/repos/nope/insight', { status: 404, body: { error: { code: 'repository-not-found', message: "repository 'nope' does not exist" } } });
    const unknown = await run(['insight', 'nope']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("repository 'nope' does not exist");
  });
});
