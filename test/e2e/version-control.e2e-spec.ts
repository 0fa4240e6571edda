/**
 * Branches, previews, merges, reverts and rollbacks end to end on real Kafka and Cassandra,
 * checked where it matters: what both gateways serve afterwards. git is the oracle for ids and
 * diffs (a stock `git clone` over the platform's HTTP endpoint).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess, distributedEnvironment, startPlatform } from './support/platform-processes';
import { ControlApi } from './support/control-api';

const REPO = 'vc';
const author = { name: 'Release Manager', email: 'rm@example.com' };
const manifest = JSON.stringify({ endpoints: [{ method: 'GET', path: '/vc/greeting/:name', script: 'greeting.js' }] }, null, 2);
const greeting = (word: string): string => `import { shout } from './lib/shout.js';\nexport default async (request) => ({ status: 200, body: { text: shout('${word}') + ' ' + request.params.name } });\n`;
const shout = (suffix: string): string => `export function shout(word) {\n  return word.toUpperCase() + '${suffix}';\n}\n`;

interface Served {
  status: number;
  text: string | null;
  commit: string | null;
}

async function call(url: string, headers: Record<string, string> = {}): Promise<Served> {
  try {
    const response = await fetch(`${url}/vc/greeting/ada`, { headers });
    const body = (await response.json()) as { text?: string };
    return { status: response.status, text: body.text ?? null, commit: response.headers.get('x-dsp-commit') };
  } catch {
    return { status: 0, text: null, commit: null };
  }
}

describe('version control over Kafka and Cassandra', () => {
  const { env, token } = distributedEnvironment();
  let api: ControlApi;
  const processes: AppProcess[] = [];
  const gateways: string[] = [];
  const heads: Record<string, string> = {};

  const untilAllServe = async (commit: string, headers: Record<string, string> = {}): Promise<void> => {
    const deadline = Date.now() + 30_000;
    for (const url of gateways) {
      while ((await call(url, headers)).commit !== commit) {
        if (Date.now() > deadline) throw new Error(`${url} does not serve ${commit}: ${JSON.stringify(await call(url, headers))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const mainHead = async (): Promise<string> => {
    const refs = await api.request<{ refs: { name: string; commit: string }[] }>('GET', `/v1/repos/${REPO}/refs`);
    return refs.body.refs.find((r) => r.name === 'main')?.commit ?? '';
  };
  const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    const platform = await startPlatform({ env, token }, { gateways: 2 });
    processes.push(...platform.processes);
    gateways.push(...platform.gateways.map((gateway) => gateway.url));
    api = platform.api;
    expect((await api.request('POST', '/v1/repos', { name: REPO })).status).toBe(201);
    const first = await api.commit(REPO, null, 'Greet', [
      { path: 'dsp.json', content: manifest },
      { path: 'greeting.js', content: greeting('hello') },
      { path: 'lib/shout.js', content: shout('!') },
    ]);
    expect(first.status).toBe(201);
    heads.v1 = first.body.commit;
    await untilAllServe(heads.v1);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
  });

  it('previews a branch with X-DSP-Ref while production keeps serving main', async () => {
    expect((await api.request('POST', `/v1/repos/${REPO}/branches`, { name: 'feature', from: 'main' })).status).toBe(201);
    const change = await api.commit(REPO, heads.v1 ?? null, 'Say hi', [{ path: 'greeting.js', content: greeting('hi') }], 'feature');
    expect(change.status).toBe(201);
    heads.feature = change.body.commit;
    await untilAllServe(heads.feature, { 'x-dsp-ref': `${REPO}@feature` });
    for (const url of gateways) {
      expect(await call(url, { 'x-dsp-ref': `${REPO}@feature` })).toMatchObject({ status: 200, text: 'HI! ada' });
      expect(await call(url)).toMatchObject({ status: 200, text: 'HELLO! ada', commit: heads.v1 });
    }
    const unknown = await fetch(`${gateways[0]}/vc/greeting/ada`, { headers: { 'x-dsp-ref': `${REPO}@nope` } });
    expect(unknown.status).toBe(404);
    const branches = await api.request<{ branches: { name: string; ahead: number; behind: number }[] }>('GET', `/v1/repos/${REPO}/branches`);
    expect(branches.body.branches).toEqual([
      expect.objectContaining({ name: 'main', ahead: 0, behind: 0 }),
      expect.objectContaining({ name: 'feature', ahead: 1, behind: 0 }),
    ]);
  });

  it('protects main: direct commits are refused, a merge fast-forwards it and both gateways serve it', async () => {
    expect((await api.request('PUT', `/v1/repos/${REPO}/protection/main`, { requireMerge: true })).status).toBe(200);
    const direct = await api.commit(REPO, heads.v1 ?? null, 'Sneak in', [{ path: 'greeting.js', content: greeting('yo') }]);
    expect(direct.status).toBe(409);
    expect(direct.body.error?.code).toBe('branch-protected');
    const merge = await api.request<{ result: string; commit: string }>('POST', `/v1/repos/${REPO}/merges`, { source: 'feature', target: 'main', author });
    expect(merge.status).toBe(201);
    expect(merge.body).toMatchObject({ result: 'fast-forward', commit: heads.feature });
    await untilAllServe(heads.feature ?? '');
  });

  it('reports a conflicting merge per file with its hunks, in a dry run and for real, and writes nothing', async () => {
    const base = await mainHead();
    for (const [branch, word] of [['left', 'hey'], ['right', 'howdy']] as const) {
      expect((await api.request('POST', `/v1/repos/${REPO}/branches`, { name: branch, from: 'main' })).status).toBe(201);
      expect((await api.commit(REPO, base, `Say ${word}`, [{ path: 'greeting.js', content: greeting(word) }], branch)).status).toBe(201);
    }
    const left = await api.request<{ result: string; commit: string }>('POST', `/v1/repos/${REPO}/merges`, { source: 'left', target: 'main', author });
    expect(left.body.result).toBe('fast-forward');
    await untilAllServe(left.body.commit); // the projection has caught up with the fast-forward
    const dry = await api.request<{ result: string; conflicts: { path: string; hunks: { ours: string[]; theirs: string[] }[] }[] }>('POST', `/v1/repos/${REPO}/merges`, { source: 'right', target: 'main', author, dryRun: true });
    expect(dry.body.result).toBe('conflict');
    expect(dry.body.conflicts.map((c) => c.path)).toEqual(['greeting.js']);
    expect(dry.body.conflicts[0]?.hunks[0]?.ours.join('\n')).toContain("shout('hey')");
    expect(dry.body.conflicts[0]?.hunks[0]?.theirs.join('\n')).toContain("shout('howdy')");
    const before = left.body.commit;
    expect(await mainHead()).toBe(before);
    const real = await api.request<{ error: { code: string; details: { conflicts: unknown[] } } }>('POST', `/v1/repos/${REPO}/merges`, { source: 'right', target: 'main', author });
    expect(real.status).toBe(409);
    expect(real.body.error.code).toBe('merge-conflict');
    expect(real.body.error.details.conflicts).toHaveLength(1);
    expect(await mainHead()).toBe(before);
    await untilAllServe(before);
    for (const url of gateways) expect((await call(url)).text).toBe('HEY! ada');
  });

  it('merges diverged branches with a merge commit that both gateways serve', async () => {
    expect((await api.request('POST', `/v1/repos/${REPO}/branches`, { name: 'louder', from: 'main' })).status).toBe(201);
    const louderBase = await mainHead();
    expect((await api.commit(REPO, louderBase, 'Louder', [{ path: 'lib/shout.js', content: shout('!!!') }], 'louder')).status).toBe(201);
    expect((await api.commit(REPO, await headOf('feature'), 'Feature moves on', [{ path: 'notes.txt', content: 'n\n' }], 'feature')).status).toBe(201);
    // main diverges from louder: merge `feature`'s new commit via a merge commit first.
    const m1 = await api.request<{ result: string; commit: string }>('POST', `/v1/repos/${REPO}/merges`, { source: 'feature', target: 'main', author, message: 'Merge feature' });
    expect(m1.body.result).toBe('merge');
    const m2 = await api.request<{ result: string; commit: string }>('POST', `/v1/repos/${REPO}/merges`, { source: 'louder', target: 'main', author, message: 'Merge louder' });
    expect(m2.status).toBe(201);
    expect(m2.body.result).toBe('merge');
    heads.merged = m2.body.commit;
    const detail = await commitDetail(heads.merged ?? '');
    expect(detail.parents).toHaveLength(2);
    await untilAllServe(heads.merged);
    for (const url of gateways) expect((await call(url)).text).toBe('HEY!!! ada');
  });

  it('reverts a merge commit (mainline 1) and both gateways serve the reverted code', async () => {
    const noMainline = await api.request<{ error: { code: string } }>('POST', `/v1/repos/${REPO}/reverts`, { commit: heads.merged, branch: 'main', author });
    expect(noMainline.body.error.code).toBe('mainline-required');
    const revert = await api.request<{ commit: string }>('POST', `/v1/repos/${REPO}/reverts`, { commit: heads.merged, branch: 'main', author, mainline: 1 });
    expect(revert.status).toBe(201);
    heads.reverted = revert.body.commit;
    const detail = await commitDetail(heads.reverted ?? '');
    expect(detail.message).toBe(`Revert "Merge louder"\n\nThis reverts commit ${heads.merged}, reversing\nchanges made to ${(await commitDetail(heads.merged ?? '')).parents[0]}.\n`);
    await untilAllServe(heads.reverted);
    for (const url of gateways) expect((await call(url)).text).toBe('HEY! ada');
  });

  it('rolls production back to an older commit without a commit, holds it while main moves, and rolls forward', async () => {
    const rollback = await api.request<{ serving: string; pinned: boolean }>('POST', `/v1/repos/${REPO}/deployment/rollback`, { to: heads.v1, reason: 'errors after hey', actor: 'oncall' });
    expect(rollback.status).toBe(200);
    expect(rollback.body).toMatchObject({ serving: heads.v1, pinned: true });
    await untilAllServe(heads.v1 ?? '');
    for (const url of gateways) expect((await call(url)).text).toBe('HELLO! ada');

    // main moves on (by merge, it is protected) but production stays rolled back.
    expect((await api.request('POST', `/v1/repos/${REPO}/branches`, { name: 'fix', from: 'main' })).status).toBe(201);
    expect((await api.commit(REPO, await headOf('fix'), 'Fix', [{ path: 'greeting.js', content: greeting('welcome') }], 'fix')).status).toBe(201);
    expect((await api.request('POST', `/v1/repos/${REPO}/merges`, { source: 'fix', target: 'main', author })).body).toMatchObject({ result: 'fast-forward' });
    await until(async () => (await mainHead()) === (await headOf('fix')), 'main to move');
    for (const url of gateways) expect(await call(url)).toMatchObject({ text: 'HELLO! ada', commit: heads.v1 });

    const forward = await api.request<{ serving: string; pinned: boolean }>('POST', `/v1/repos/${REPO}/deployment/rollforward`, { reason: 'fixed', actor: 'oncall' });
    expect(forward.body.pinned).toBe(false);
    await untilAllServe(await mainHead());
    for (const url of gateways) expect((await call(url)).text).toBe('WELCOME! ada');

    const history = await api.request<{ history: { kind: string; actor: string; reason: string; to: string }[] }>('GET', `/v1/repos/${REPO}/deployment`);
    expect(history.body.history.slice(0, 3).map((h) => h.kind)).toEqual(['roll-forward', 'rollback', 'revert']);
    expect(history.body.history[1]).toMatchObject({ kind: 'rollback', actor: 'oncall', reason: 'errors after hey', to: heads.v1 });
    const notOnMain = await api.request<{ error: { code: string } }>('POST', `/v1/repos/${REPO}/deployment/rollback`, { to: 'right', reason: 'x' });
    expect(notOnMain.body.error.code).toBe('not-deployable');
  });

  it('a stock git clone has the exact history, and git diff of the clone equals ours', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsp-clone-'));
    try {
      execFileSync('git', ['-c', `http.extraHeader=Authorization: Bearer ${token}`, 'clone', '-q', `${api.baseUrl}/git/${REPO}.git`, dir], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
      const ours = await api.request<{ commits: { commit: string }[] }>('GET', `/v1/repos/${REPO}/commits?ref=main&limit=100`);
      expect(git('log', '--first-parent', '--format=%H').trim().split('\n')).toEqual(ours.body.commits.map((c) => c.commit));
      for (const [from, to] of [[heads.v1, heads.merged], [heads.merged, heads.reverted], [heads.v1, 'main']] as const) {
        const diff = await api.request('GET', `/v1/repos/${REPO}/diff?from=${from}&to=${to}`);
        expect(diff.text).toBe(git('-c', 'core.abbrev=7', 'diff', from ?? '', to === 'main' ? 'origin/main' : to ?? ''));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A commit's detail once the projection has it (the API acknowledges before projecting). */
  async function commitDetail(sha: string): Promise<{ parents: string[]; message: string }> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const detail = await api.request<{ parents: string[]; message: string }>('GET', `/v1/repos/${REPO}/commits/${sha}`);
      if (detail.status === 200) return detail.body;
      if (Date.now() > deadline) throw new Error(`commit ${sha} was not projected: ${detail.text}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function headOf(branch: string): Promise<string> {
    const list = await api.request<{ branches: { name: string; commit: string }[] }>('GET', `/v1/repos/${REPO}/branches`);
    return list.body.branches.find((b) => b.name === branch)?.commit ?? '';
  }
});
