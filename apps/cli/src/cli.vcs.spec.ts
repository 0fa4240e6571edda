/** Branches, tags, merges, reverts, deployments, file history, blame and diff views, against the fake control API. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Blame, DeploymentStatus, FileConflict, MergeResult } from './control-api.type';
import { FakeControlServer, runDsp, type Run } from './fake-control-server.fake';

const MAIN_HEAD = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const FEATURE_HEAD = '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c';
const OLD = 'c0ffee0000000000000000000000000000000000';
const NEW_MERGE = 'abcdef0123456789abcdef0123456789abcdef01';
const AUTHOR = { name: 'Test Author', email: 'author@example.com' };

const helloConflict: FileConflict = {
  path: 'hello.js',
  kind: 'content',
  hunks: [{ oursStart: 3, ours: ["  return 'hi';"], base: ["  return 'hello';"], theirs: ["  return 'hey';", '  // louder'] }],
};
const goneConflict: FileConflict = { path: 'gone.js', kind: 'modify-delete', hunks: [] };

describe('dsp version control and deployment commands', () => {
  let fake: FakeControlServer;
  let root: string;
  let env: Record<string, string>;

  const run = (argv: string[]): Promise<Run> => runDsp(argv, { cwd: root, env });
  const requestsTo = (method: string, path: string) =>
    fake.requests.filter((request) => request.method === method && request.path === path);

  beforeEach(async () => {
    fake = new FakeControlServer();
    root = await mkdtemp(join(tmpdir(), 'dsp-cli-vcs-'));
    env = {
      DSP_URL: await fake.start(),
      DSP_REPO: 'demo',
      DSP_TOKEN: 'secret-token',
      DSP_AUTHOR_NAME: AUTHOR.name,
      DSP_AUTHOR_EMAIL: AUTHOR.email,
    };
  });

  afterEach(async () => {
    await fake.stop();
    await rm(root, { recursive: true, force: true });
  });

  describe('branch', () => {
    it('lists branches with short heads, ahead/behind main and protection', async () => {
      fake.on('GET', '/v1/repos/demo/branches', {
        status: 200,
        body: {
          branches: [
            { name: 'main', commit: MAIN_HEAD, requireMerge: true, ahead: 0, behind: 0 },
            { name: 'feature/new-row', commit: FEATURE_HEAD, requireMerge: false, ahead: 2, behind: 1 },
          ],
        },
      });

      const expected =
        'NAME             HEAD     AHEAD/BEHIND  PROTECTED\n' +
        'main             1a2b3c4  -             yes\n' +
        'feature/new-row  9f8e7d6  2/1           no\n';
      expect(await run(['branch'])).toEqual({ exitCode: 0, stdout: expected, stderr: '' });
      expect((await run(['branch', 'list'])).stdout).toBe(expected);
      expect(fake.requests[0]?.headers.authorization).toBe('Bearer secret-token');
    });

    it('creates a branch from main by default, or from --from', async () => {
      fake.on('POST', '/v1/repos/demo/branches', (request) => ({
        status: 201,
        body: { name: (request.body as { name: string }).name, commit: FEATURE_HEAD },
      }));

      expect(await run(['branch', 'create', 'feature/x'])).toEqual({
        exitCode: 0,
        stdout: 'Created branch feature/x at 9f8e7d6 (from main)\n',
        stderr: '',
      });
      await run(['branch', 'create', 'hotfix', '--from', 'v1.0']);

      expect(requestsTo('POST', '/v1/repos/demo/branches').map((request) => request.body)).toEqual([
        { name: 'feature/x', from: 'main' },
        { name: 'hotfix', from: 'v1.0' },
      ]);
    });

    it('deletes a branch whose name has a slash, and says how to delete a protected one (exit 4)', async () => {
      fake.on('DELETE', '/v1/repos/demo/branches/feature/x', { status: 204, body: '' });
      fake.on('DELETE', '/v1/repos/demo/branches/release', {
        status: 409,
        body: { error: { code: 'branch-protected', message: "branch 'release' is protected: remove its protection first", details: { branch: 'release' } } },
      });

      expect(await run(['branch', 'delete', 'feature/x'])).toEqual({ exitCode: 0, stdout: 'Deleted branch feature/x\n', stderr: '' });
      expect(await run(['branch', 'delete', 'release'])).toEqual({
        exitCode: 4,
        stdout: '',
        stderr: "dsp: branch-protected: branch 'release' is protected: remove its protection first (dsp branch unprotect release)\n",
      });
    });

    it('protects and unprotects a branch with PUT /protection/<name>', async () => {
      fake.on('PUT', '/v1/repos/demo/protection/release', (request) => ({
        status: 200,
        body: { name: 'release', requireMerge: (request.body as { requireMerge: boolean }).requireMerge },
      }));

      expect((await run(['branch', 'protect', 'release'])).stdout).toBe('Protected branch release: only merges may move it\n');
      expect((await run(['branch', 'unprotect', 'release'])).stdout).toBe('Unprotected branch release: direct pushes are allowed\n');
      expect(requestsTo('PUT', '/v1/repos/demo/protection/release').map((request) => request.body)).toEqual([
        { requireMerge: true },
        { requireMerge: false },
      ]);
    });

    it('names an unknown subcommand instead of listing', async () => {
      expect(await run(['branch', 'craete', 'x'])).toEqual({
        exitCode: 1,
        stdout: '',
        stderr: "dsp: unknown command 'branch craete' (see dsp branch --help)\n",
      });
      expect(fake.requests).toEqual([]);
    });
  });

  describe('tag', () => {
    it('lists tags', async () => {
      fake.on('GET', '/v1/repos/demo/tags', {
        status: 200,
        body: { tags: [{ name: 'v1.0', commit: OLD }, { name: 'v1.1', commit: MAIN_HEAD }] },
      });

      expect(await run(['tag'])).toEqual({ exitCode: 0, stdout: 'NAME  COMMIT\nv1.0  c0ffee0\nv1.1  1a2b3c4\n', stderr: '' });
    });

    it('tags main by default, or the revision given, and deletes tags', async () => {
      fake.on('POST', '/v1/repos/demo/tags', (request) => ({
        status: 201,
        body: { name: (request.body as { name: string }).name, commit: MAIN_HEAD },
      }));
      fake.on('DELETE', '/v1/repos/demo/tags/v1.0', { status: 204, body: '' });

      expect((await run(['tag', 'create', 'v1.2'])).stdout).toBe('Created tag v1.2 at 1a2b3c4 (main)\n');
      expect((await run(['tag', 'create', 'v1.1', 'main~1'])).exitCode).toBe(0);
      expect((await run(['tag', 'delete', 'v1.0'])).stdout).toBe('Deleted tag v1.0\n');
      expect(requestsTo('POST', '/v1/repos/demo/tags').map((request) => request.body)).toEqual([
        { name: 'v1.2', revision: 'main' },
        { name: 'v1.1', revision: 'main~1' },
      ]);
    });
  });

  describe('merge', () => {
    const mergeRequests = () => requestsTo('POST', '/v1/repos/demo/merges');
    const answer = (result: Partial<MergeResult>) => ({
      status: 200,
      body: { result: 'fast-forward', dryRun: false, target: 'main', commit: FEATURE_HEAD, conflicts: [], ...result },
    });
    const conflictError = {
      status: 409,
      body: {
        error: {
          code: 'merge-conflict',
          message: "merging 'feature/x' into 'main' conflicts in gone.js, hello.js; nothing was written",
          details: { source: 'feature/x', target: 'main', conflicts: [goneConflict, helloConflict] },
        },
      },
    };

    it('fast-forwards main by default, as the default author', async () => {
      fake.on('POST', '/v1/repos/demo/merges', answer({}));

      expect(await run(['merge', 'feature/x'])).toEqual({
        exitCode: 0,
        stdout: 'Fast-forwarded main to 9f8e7d6 (feature/x)\n',
        stderr: '',
      });
      expect(mergeRequests()[0]?.body).toEqual({ source: 'feature/x', target: 'main', author: AUTHOR });
    });

    it('sends --into, -m, --no-ff and --author, and reports the merge commit', async () => {
      fake.on('POST', '/v1/repos/demo/merges', answer({ result: 'merge', target: 'release', commit: NEW_MERGE }));

      const result = await run(['merge', 'feature/x', '--into', 'release', '-m', 'Ship it', '--no-ff', '--author', 'Kim Lee <kim@example.com>']);

      expect(result).toEqual({ exitCode: 0, stdout: 'Merged feature/x into release: abcdef0\n', stderr: '' });
      expect(mergeRequests()[0]?.body).toEqual({
        source: 'feature/x',
        target: 'release',
        author: { name: 'Kim Lee', email: 'kim@example.com' },
        message: 'Ship it',
        noFastForward: true,
      });
    });

    it('says when there is nothing to merge', async () => {
      fake.on('POST', '/v1/repos/demo/merges', answer({ result: 'up-to-date', commit: MAIN_HEAD }));

      expect((await run(['merge', 'v1.0'])).stdout).toBe('Already up to date: main 1a2b3c4 already contains v1.0\n');
    });

    it('prints each conflict git-style and exits 4 on a 409 merge-conflict', async () => {
      fake.on('POST', '/v1/repos/demo/merges', conflictError);

      const result = await run(['merge', 'feature/x']);

      expect(result.exitCode).toBe(4);
      expect(result.stdout.split('\n')).toEqual([
        'CONFLICT (modify/delete): gone.js deleted on one side and modified on the other',
        '',
        'CONFLICT (content): Merge conflict in hello.js',
        '@@ hello.js:3 @@',
        '<<<<<<< main',
        "  return 'hi';",
        '||||||| base',
        "  return 'hello';",
        '=======',
        "  return 'hey';",
        '  // louder',
        '>>>>>>> feature/x',
        '',
      ]);
      expect(result.stderr).toBe("dsp: merge-conflict: merging 'feature/x' into 'main' conflicts in gone.js, hello.js; nothing was written\n");
    });

    it('gives only the error document, conflicts included, under --json', async () => {
      fake.on('POST', '/v1/repos/demo/merges', conflictError);

      const result = await run(['--json', 'merge', 'feature/x']);

      expect(result.exitCode).toBe(4);
      expect(JSON.parse(result.stdout)).toEqual({ error: { ...conflictError.body.error, status: 409 } });
    });

    it('--dry-run sends dryRun, prints the conflicts it reports and exits 4', async () => {
      fake.on('POST', '/v1/repos/demo/merges', answer({ result: 'conflict', dryRun: true, commit: null, conflicts: [helloConflict] }));

      const result = await run(['merge', 'feature/x', '--dry-run']);

      expect(result.exitCode).toBe(4);
      expect(result.stdout).toContain('<<<<<<< main\n');
      expect(result.stdout).toContain('>>>>>>> feature/x\n');
      expect(result.stdout.endsWith('Merging feature/x into main would conflict in hello.js (dry run; nothing written)\n')).toBe(true);
      expect(result.stderr).toBe('');
      expect(mergeRequests()[0]?.body).toMatchObject({ dryRun: true });
    });

    it('--dry-run --json prints the result as the only document and still exits 4 on conflict', async () => {
      const conflict = answer({ result: 'conflict', dryRun: true, commit: null, conflicts: [helloConflict] });
      fake.on('POST', '/v1/repos/demo/merges', conflict);

      const result = await run(['merge', 'feature/x', '--dry-run', '--json']);

      expect(result.exitCode).toBe(4);
      expect(JSON.parse(result.stdout)).toEqual(conflict.body);
    });

    it('--dry-run exits 0 when the merge would go through', async () => {
      fake.on('POST', '/v1/repos/demo/merges', answer({ dryRun: true }));

      expect(await run(['merge', 'feature/x', '--dry-run'])).toEqual({
        exitCode: 0,
        stdout: 'Would fast-forward main to 9f8e7d6 (dry run; nothing written)\n',
        stderr: '',
      });
    });
  });

  describe('revert', () => {
    const revertRequests = () => requestsTo('POST', '/v1/repos/demo/reverts');

    it('commits the revert on the config branch and prints it like push', async () => {
      fake.on('POST', '/v1/repos/demo/reverts', {
        status: 201,
        body: { commit: NEW_MERGE, tree: 't'.repeat(40), parents: [MAIN_HEAD], branch: 'main', changes: [{ path: 'new.js', status: 'deleted' }] },
      });

      expect(await run(['revert', 'c0ffee0'])).toEqual({ exitCode: 0, stdout: '[main abcdef0] Revert c0ffee0\n D new.js\n', stderr: '' });
      expect(revertRequests()[0]?.body).toEqual({ commit: 'c0ffee0', branch: 'main', author: AUTHOR });
    });

    it('sends --branch, --mainline and -m', async () => {
      fake.on('POST', '/v1/repos/demo/reverts', {
        status: 201,
        body: { commit: NEW_MERGE, tree: 't'.repeat(40), parents: [MAIN_HEAD], branch: 'release', changes: [] },
      });

      const result = await run(['revert', 'main~1', '--branch', 'release', '--mainline', '1', '-m', 'Undo the merge']);

      expect(result.stdout).toBe('[release abcdef0] Undo the merge\n');
      expect(revertRequests()[0]?.body).toEqual({ commit: 'main~1', branch: 'release', author: AUTHOR, mainline: 1, message: 'Undo the merge' });
    });

    it('explains --mainline when the commit is a merge (400 mainline-required, exit 2)', async () => {
      fake.on('POST', '/v1/repos/demo/reverts', {
        status: 400,
        body: { error: { code: 'mainline-required', message: `${OLD} is a merge commit: say which parent is the mainline (mainline: 1 for a, 2 for b)` } },
      });

      expect(await run(['revert', 'c0ffee0'])).toEqual({
        exitCode: 2,
        stdout: '',
        stderr:
          'dsp: mainline-required: c0ffee0 is a merge commit: say which side to keep with --mainline 1 ' +
          '(its first parent, the branch it was merged into) or --mainline 2 (its second parent, the branch that was merged)\n',
      });
    });

    it('prints the conflicts of a 409 revert-conflict and exits 4', async () => {
      fake.on('POST', '/v1/repos/demo/reverts', {
        status: 409,
        body: {
          error: {
            code: 'revert-conflict',
            message: "reverting c0ffee0 on 'main' conflicts in hello.js; nothing was written",
            details: { commit: OLD, branch: 'main', conflicts: [helloConflict] },
          },
        },
      });

      const result = await run(['revert', 'c0ffee0']);

      expect(result.exitCode).toBe(4);
      expect(result.stdout).toContain('<<<<<<< main\n');
      expect(result.stdout).toContain('||||||| c0ffee0\n');
      expect(result.stdout).toContain('>>>>>>> parent of c0ffee0\n');
      expect(result.stderr).toBe("dsp: revert-conflict: reverting c0ffee0 on 'main' conflicts in hello.js; nothing was written\n");
    });
  });

  describe('deployments', () => {
    it('rollback sends the revision and reason and says production is pinned', async () => {
      fake.on('POST', '/v1/repos/demo/deployment/rollback', { status: 200, body: { serving: OLD, previous: MAIN_HEAD, pinned: true } });

      const result = await run(['rollback', 'main~1', '--reason', 'error rate up']);

      expect(result).toEqual({
        exitCode: 0,
        stdout: 'Rolled back: production serves c0ffee0 (was 1a2b3c4), pinned until dsp rollforward\n',
        stderr: '',
      });
      expect(requestsTo('POST', '/v1/repos/demo/deployment/rollback')[0]?.body).toEqual({ to: 'main~1', reason: 'error rate up' });
    });

    it('rollback needs a reason and sends nothing without one', async () => {
      const result = await run(['rollback', 'main~1']);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe("dsp: required option '--reason <why>' not specified\n");
      expect(fake.requests).toEqual([]);
    });

    it('rollforward follows main again, or pins --to', async () => {
      fake.on('POST', '/v1/repos/demo/deployment/rollforward', (request) =>
        (request.body as { to?: string }).to === undefined
          ? { status: 200, body: { serving: MAIN_HEAD, previous: OLD, pinned: false } }
          : { status: 200, body: { serving: FEATURE_HEAD, previous: OLD, pinned: true } },
      );

      expect((await run(['rollforward', '--reason', 'fixed'])).stdout).toBe(
        'Rolled forward: production serves 1a2b3c4 (was c0ffee0), following main again\n',
      );
      expect((await run(['rollforward', '--reason', 'partly fixed', '--to', '9f8e7d6'])).stdout).toBe(
        'Rolled forward: production serves 9f8e7d6 (was c0ffee0), pinned until dsp rollforward\n',
      );
      expect(requestsTo('POST', '/v1/repos/demo/deployment/rollforward').map((request) => request.body)).toEqual([
        { reason: 'fixed' },
        { reason: 'partly fixed', to: '9f8e7d6' },
      ]);
    });

    it('deployments prints what is served, whether it is pinned, and the newest -n records', async () => {
      const status: DeploymentStatus = {
        serving: OLD,
        pinned: true,
        history: [
          { kind: 'rollback', from: MAIN_HEAD, to: OLD, actor: 'admin', at: '2024-03-02T10:00:00.000Z', reason: 'error rate up' },
          { kind: 'fast-forward', from: OLD, to: MAIN_HEAD, actor: 'Kim Lee', at: '2024-03-01T09:00:00.000Z', reason: "Merge branch 'x'" },
          { kind: 'create', from: null, to: OLD, actor: 'Kim Lee', at: '2024-03-01T08:00:00.000Z', reason: 'first commit' },
        ],
      };
      fake.on('GET', '/v1/repos/demo/deployment', { status: 200, body: status });

      const result = await run(['deployments', '-n', '2']);

      expect(result.stdout.split('\n')).toEqual([
        'Serving: c0ffee0 (pinned by a rollback; dsp rollforward to follow main again)',
        '',
        'AT                    KIND          FROM     TO       ACTOR    REASON',
        '2024-03-02T10:00:00Z  rollback      1a2b3c4  c0ffee0  admin    error rate up',
        "2024-03-01T09:00:00Z  fast-forward  c0ffee0  1a2b3c4  Kim Lee  Merge branch 'x'",
        '',
      ]);

      const json = await run(['deployments', '-n', '1', '--json']);
      expect(JSON.parse(json.stdout)).toEqual({ ...status, history: status.history.slice(0, 1) });
    });

    it('deployments says when production follows main', async () => {
      fake.on('GET', '/v1/repos/demo/deployment', { status: 200, body: { serving: MAIN_HEAD, pinned: false, history: [] } });

      expect((await run(['deployments'])).stdout).toBe('Serving: 1a2b3c4 (follows main)\n');
    });
  });

  describe('file history and blame', () => {
    it('log --path asks for the history of one file', async () => {
      fake.on('GET', '/v1/repos/demo/commits', { status: 200, body: { commits: [], next: null } });

      const result = await run(['log', '--path', './lib/util.js', '-n', '5']);

      expect(result).toEqual({ exitCode: 0, stdout: 'No commits on main change lib/util.js.\n', stderr: '' });
      expect(fake.requests[0]?.query).toEqual({ ref: 'main', limit: '5', path: 'lib/util.js' });
    });

    it('blame prints <sha7> (<author> <date> <line>) <content> with aligned columns', async () => {
      const lines = Array.from({ length: 10 }, (_, index) => ({
        line: index + 1,
        commit: index === 9 ? FEATURE_HEAD : MAIN_HEAD,
        content: `line ${index + 1}`,
      }));
      const blame: Blame = {
        path: 'lib/util v2.js',
        ref: 'release',
        lines,
        commits: {
          [MAIN_HEAD]: { author: 'Ada', timestamp: 1709335800, summary: 'First' },
          [FEATURE_HEAD]: { author: 'Kim Lee', timestamp: 1709422200, summary: 'Second' },
        },
      };
      fake.on('GET', '/v1/repos/demo/blame/lib/util%20v2.js', { status: 200, body: blame });

      const result = await run(['blame', 'lib/util v2.js', '--ref', 'release']);

      expect(result.exitCode).toBe(0);
      const printed = result.stdout.split('\n');
      expect(printed[0]).toBe('1a2b3c4 (Ada     2024-03-01  1) line 1');
      expect(printed[9]).toBe('9f8e7d6 (Kim Lee 2024-03-02 10) line 10');
      expect(printed).toHaveLength(11);
      expect(fake.requests[0]?.query).toEqual({ ref: 'release' });
    });
  });

  describe('diff views', () => {
    it('--stat prints one line per file and a summary', async () => {
      fake.on('GET', '/v1/repos/demo/diff', {
        status: 200,
        body: {
          files: [
            { path: 'hello.js', status: 'modified', added: 1, removed: 1, hunks: [] },
            { path: 'lib/util.js', status: 'added', added: 10, removed: 0, hunks: [] },
            { path: 'old.js', status: 'deleted', added: 0, removed: 3, hunks: [] },
          ],
        },
      });

      const result = await run(['diff', 'v1..main', '--stat']);

      expect(result).toEqual({
        exitCode: 0,
        stdout:
          ' hello.js    |  2 +-\n' +
          ' lib/util.js | 10 ++++++++++\n' +
          ' old.js      |  3 ---\n' +
          ' 3 files changed, 11 insertions(+), 4 deletions(-)\n',
        stderr: '',
      });
      expect(fake.requests[0]?.query).toEqual({ from: 'v1', to: 'main', format: 'json' });
    });

    it('--endpoints prints added, removed and changed endpoints', async () => {
      fake.on('GET', '/v1/repos/demo/diff', {
        status: 200,
        body: {
          added: [{ method: 'GET', path: '/demo/x', script: 'x.js' }],
          removed: [{ method: 'POST', path: '/demo/old', script: 'old.js' }],
          changed: [
            {
              method: 'GET',
              path: '/demo/y',
              before: { method: 'GET', path: '/demo/y', script: 'y.js' },
              after: { method: 'GET', path: '/demo/y', script: 'y2.js', timeoutMs: 500 },
              changes: ['script', 'timeoutMs'],
            },
          ],
        },
      });

      const result = await run(['diff', 'v1', 'main', '--endpoints']);

      expect(result).toEqual({
        exitCode: 0,
        stdout: '+ GET /demo/x (x.js)\n- POST /demo/old (old.js)\n~ GET /demo/y: script, timeoutMs\n',
        stderr: '',
      });
      expect(fake.requests[0]?.query).toEqual({ from: 'v1', to: 'main', format: 'endpoints' });
    });

    it('refuses --stat together with --endpoints', async () => {
      const result = await run(['diff', 'a..b', '--stat', '--endpoints']);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe("dsp: option '--stat' cannot be used with option '--endpoints'\n");
      expect(fake.requests).toEqual([]);
    });
  });
});
