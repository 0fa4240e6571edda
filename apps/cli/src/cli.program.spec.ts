/** The whole CLI, run in-process against a small node:http fake of the control API. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BranchTree, CommitSummary, CreatedCommit } from './control-api.type';
import { FakeControlServer, runDsp, type Run } from './fake-control-server.fake';

const HEAD = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const NEW_COMMIT = '9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c';
// `printf 'hello\n' | git hash-object --stdin`
const HELLO_BLOB = 'ce013625030ba8dba906f756967f9e9ca394464a';

describe('dsp against a fake control server', () => {
  let fake: FakeControlServer;
  let serverUrl: string;
  let root: string;
  let env: Record<string, string>;

  const run = (argv: string[], cwd = root): Promise<Run> => runDsp(argv, { cwd, env });

  const commitRequests = () => fake.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/commits'));

  beforeEach(async () => {
    fake = new FakeControlServer();
    serverUrl = await fake.start();
    root = await mkdtemp(join(tmpdir(), 'dsp-cli-e2e-'));
    env = { DSP_AUTHOR_NAME: 'Test Author', DSP_AUTHOR_EMAIL: 'author@example.com', DSP_TOKEN: 'secret-token' };
  });

  afterEach(async () => {
    await fake.stop();
    await rm(root, { recursive: true, force: true });
  });

  describe('init', () => {
    it('writes the config and a sample endpoint without contacting the server, and keeps existing files', async () => {
      await mkdir(join(root, 'scripts'));
      await writeFile(join(root, 'scripts', 'hello.js'), 'mine\n');

      const result = await run(['init', 'scripts', '--repo', 'tv-ui', '--server', serverUrl]);

      expect(result).toMatchObject({ exitCode: 0, stderr: '' });
      expect(JSON.parse(await readFile(join(root, 'scripts', '.dsp', 'config.json'), 'utf8'))).toEqual({
        server: serverUrl,
        repo: 'tv-ui',
        branch: 'main',
      });
      expect(JSON.parse(await readFile(join(root, 'scripts', 'dsp.json'), 'utf8'))).toEqual({
        endpoints: [{ method: 'GET', path: '/tv-ui/hello/:name', script: 'hello.js' }],
      });
      expect(await readFile(join(root, 'scripts', 'hello.js'), 'utf8')).toBe('mine\n');
      expect(result.stdout).toContain('created dsp.json');
      expect(result.stdout).not.toContain('created hello.js');
      expect(fake.requests).toEqual([]);
    });

    it('refuses to run without a repository name', async () => {
      const result = await run(['init', 'x']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe('dsp: dsp init needs a repository name: dsp init [dir] --repo <name>\n');
    });
  });

  describe('push', () => {
    const initFolder = async () => {
      expect((await run(['init', '.', '--repo', 'demo', '--server', serverUrl])).exitCode).toBe(0);
      await writeFile(join(root, 'hello.js'), 'hello\n');
      await mkdir(join(root, 'lib'));
      await writeFile(join(root, 'lib', 'util.js'), 'export const two = 2;\n');
      await mkdir(join(root, 'node_modules', 'left-pad'), { recursive: true });
      await writeFile(join(root, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
      await writeFile(join(root, '.env'), 'SECRET=1\n');
    };

    const remoteTree: BranchTree = {
      commit: HEAD,
      files: [
        { path: 'hello.js', blob: HELLO_BLOB, size: 6 },
        { path: 'dsp.json', blob: '0'.repeat(40), size: 10 },
        { path: 'old.js', blob: '1'.repeat(40), size: 10 },
        { path: '.eslintrc.json', blob: '2'.repeat(40), size: 2 },
      ],
    };

    const created: CreatedCommit = {
      commit: NEW_COMMIT,
      tree: '3'.repeat(40),
      parents: [HEAD],
      branch: 'main',
      changes: [
        { path: 'dsp.json', status: 'modified' },
        { path: 'lib/util.js', status: 'added' },
        { path: 'old.js', status: 'deleted' },
      ],
    };

    it('sends only added, modified and deleted files on top of the head it read, from anywhere in the folder', async () => {
      await initFolder();
      fake.on('GET', '/v1/repos/demo/tree', { status: 200, body: remoteTree });
      fake.on('POST', '/v1/repos/demo/commits', { status: 201, body: created });

      const result = await run(['push', '-m', 'Add util\n\nWith a body'], join(root, 'lib'));

      expect(result).toEqual({
        exitCode: 0,
        stdout: '[main 9f8e7d6] Add util\n M dsp.json\n A lib/util.js\n D old.js\n',
        stderr: '',
      });
      const treeRequest = fake.requests.find((request) => request.path === '/v1/repos/demo/tree');
      expect(treeRequest?.query).toEqual({ ref: 'main' });
      const [commit] = commitRequests();
      expect(commit?.headers.authorization).toBe('Bearer secret-token');
      expect(commit?.body).toEqual({
        branch: 'main',
        parent: HEAD,
        message: 'Add util\n\nWith a body',
        author: { name: 'Test Author', email: 'author@example.com' },
        changes: [
          { path: 'dsp.json', content: await readFile(join(root, 'dsp.json'), 'utf8') },
          { path: 'lib/util.js', content: 'export const two = 2;\n' },
          { path: 'old.js', delete: true },
        ],
      });
    });

    it('commits everything with a null parent on an empty branch, to the branch and author asked for', async () => {
      await initFolder();
      fake.on('GET', '/v1/repos/demo/tree', { status: 200, body: { commit: null, files: [] } });
      fake.on('POST', '/v1/repos/demo/commits', () => ({
        status: 201,
        body: { ...created, parents: [], branch: 'feature/x', changes: [] },
      }));

      const result = await run(['push', '-m', 'First', '--branch', 'feature/x', '--author', 'Kim Lee <kim@example.com>']);

      expect(result.exitCode).toBe(0);
      expect(fake.requests[0]?.query).toEqual({ ref: 'feature/x' });
      const body = commitRequests()[0]?.body as { parent: unknown; branch: unknown; author: unknown; changes: { path: string }[] };
      expect(body.parent).toBeNull();
      expect(body.branch).toBe('feature/x');
      expect(body.author).toEqual({ name: 'Kim Lee', email: 'kim@example.com' });
      expect(body.changes.map((change) => change.path)).toEqual(['dsp.json', 'hello.js', 'lib/util.js']);
    });

    it('says there is nothing to commit and posts nothing when the branch already matches', async () => {
      await writeFile(join(root, 'hello.js'), 'hello\n');
      env.DSP_REPO = 'demo';
      env.DSP_URL = serverUrl;
      fake.on('GET', '/v1/repos/demo/tree', {
        status: 200,
        body: { commit: HEAD, files: [{ path: 'hello.js', blob: HELLO_BLOB, size: 6 }] },
      });

      const result = await run(['push', '-m', 'noop']);

      expect(result).toEqual({ exitCode: 0, stdout: `Nothing to commit: main at 1a2b3c4 already matches ${root}\n`, stderr: '' });
      expect(commitRequests()).toEqual([]);
    });

    it('prints the server response as the only JSON document under --json', async () => {
      await initFolder();
      fake.on('GET', '/v1/repos/demo/tree', { status: 200, body: remoteTree });
      fake.on('POST', '/v1/repos/demo/commits', { status: 201, body: created });

      const result = await run(['--json', 'push', '-m', 'Add util']);

      expect(result.exitCode).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(created);
    });

    it('exits 4 and names the current head when the branch moved (409 stale-parent)', async () => {
      await initFolder();
      const currentHead = 'c0ffee0000000000000000000000000000000000';
      fake.on('GET', '/v1/repos/demo/tree', { status: 200, body: remoteTree });
      fake.on('POST', '/v1/repos/demo/commits', {
        status: 409,
        body: { error: { code: 'stale-parent', message: "branch 'main' has moved", details: { branch: 'main', currentHead } } },
      });

      const result = await run(['push', '-m', 'Add util']);

      expect(result.exitCode).toBe(4);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`dsp: stale-parent: branch 'main' has moved (current head: ${currentHead})\n`);
    });

    it('exits 2 and lists each file problem when the commit is invalid (422)', async () => {
      await initFolder();
      fake.on('GET', '/v1/repos/demo/tree', { status: 200, body: remoteTree });
      fake.on('POST', '/v1/repos/demo/commits', {
        status: 422,
        body: {
          error: {
            code: 'invalid-commit',
            message: 'commit refused: 2 problem(s)',
            details: {
              problems: [
                { path: 'lib/util.js', line: 1, message: 'Unexpected token' },
                { path: 'dsp.json', message: 'endpoint GET /x is owned by repository other' },
              ],
            },
          },
        },
      });

      const result = await run(['push', '-m', 'Add util']);

      expect(result.exitCode).toBe(2);
      expect(result.stderr.split('\n')).toEqual([
        'dsp: invalid-commit: commit refused: 2 problem(s)',
        '  lib/util.js:1: Unexpected token',
        '  dsp.json: endpoint GET /x is owned by repository other',
        '',
      ]);
    });

    it('gives the error as the JSON document on stdout under --json', async () => {
      await initFolder();
      fake.on('GET', '/v1/repos/demo/tree', { status: 200, body: remoteTree });
      fake.on('POST', '/v1/repos/demo/commits', {
        status: 409,
        body: { error: { code: 'stale-parent', message: 'moved', details: { currentHead: 'f'.repeat(40) } } },
      });

      const result = await run(['push', '--json', '-m', 'x']);

      expect(result.exitCode).toBe(4);
      expect(JSON.parse(result.stdout)).toEqual({
        error: { code: 'stale-parent', message: 'moved', status: 409, details: { currentHead: 'f'.repeat(40) } },
      });
    });

    it('refuses binary files before contacting the commit endpoint', async () => {
      await initFolder();
      await writeFile(join(root, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]));
      fake.on('GET', '/v1/repos/demo/tree', { status: 200, body: remoteTree });

      const result = await run(['push', '-m', 'x']);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toBe('dsp: only UTF-8 text files can be pushed; 1 file(s) are not:\n  logo.png\n');
      expect(commitRequests()).toEqual([]);
    });

    it('refuses to empty a branch from a folder with no files', async () => {
      await mkdir(join(root, 'empty'));
      env.DSP_REPO = 'demo';
      env.DSP_URL = serverUrl;
      fake.on('GET', '/v1/repos/demo/tree', { status: 200, body: remoteTree });

      const result = await run(['push', 'empty', '-m', 'oops']);

      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('pushing it would delete all 4 files of main');
      expect(commitRequests()).toEqual([]);
    });

    it('exits 1 on a missing message and on a missing repository, without contacting the server', async () => {
      env.DSP_URL = serverUrl;
      const noMessage = await run(['push']);
      expect(noMessage.exitCode).toBe(1);
      expect(noMessage.stderr).toBe("dsp: required option '-m, --message <message>' not specified\n");

      const noRepo = await run(['push', '-m', 'x']);
      expect(noRepo.exitCode).toBe(1);
      expect(noRepo.stderr).toMatch(/^dsp: no repository given: pass --repo <name>/);
      expect(fake.requests).toEqual([]);
    });
  });

  describe('server failures', () => {
    it('exits 3 when nothing listens at the server URL', async () => {
      const closed = new FakeControlServer();
      const closedUrl = await closed.start();
      await closed.stop();

      const result = await run(['repo', 'list', '--server', closedUrl]);

      expect(result.exitCode).toBe(3);
      expect(result.stderr).toBe(`dsp: server-unreachable: cannot reach ${closedUrl}: ECONNREFUSED\n`);
    });

    it('exits 3 on a 5xx that is not an API error document', async () => {
      fake.on('GET', '/v1/repos', { status: 502, body: '<html>Bad Gateway</html>', contentType: 'text/html' });

      const result = await run(['repo', 'list', '--server', serverUrl]);

      expect(result.exitCode).toBe(3);
      expect(result.stderr).toBe('dsp: http-502: Bad Gateway: <html>Bad Gateway</html>\n');
    });
  });

  describe('repo', () => {
    it('creates a repository, and exits 4 when it already exists', async () => {
      fake.on('POST', '/v1/repos', (request) =>
        (request.body as { name: string }).name === 'taken'
          ? { status: 409, body: { error: { code: 'repository-exists', message: "repository 'taken' already exists" } } }
          : { status: 201, body: { name: 'fresh', createdAt: '2024-03-01T00:00:00.000Z' } },
      );

      expect(await run(['--server', serverUrl, 'repo', 'create', 'fresh'])).toEqual({
        exitCode: 0,
        stdout: 'Created repository fresh\n',
        stderr: '',
      });
      expect(await run(['--server', serverUrl, 'repo', 'create', 'taken'])).toEqual({
        exitCode: 4,
        stdout: '',
        stderr: "dsp: repository-exists: repository 'taken' already exists\n",
      });
    });

    it('lists repositories as a table', async () => {
      fake.on('GET', '/v1/repos', {
        status: 200,
        body: {
          repositories: [
            { name: 'tv-ui', createdAt: '2024-03-01T00:00:00.000Z' },
            { name: 'mobile', createdAt: '2024-03-02T00:00:00.000Z' },
          ],
        },
      });

      const result = await run(['repo', 'list', '--server', serverUrl]);

      expect(result.stdout).toBe(
        'NAME    CREATED\ntv-ui   2024-03-01T00:00:00.000Z\nmobile  2024-03-02T00:00:00.000Z\n',
      );
    });
  });

  describe('reading history', () => {
    beforeEach(() => {
      env.DSP_URL = serverUrl;
      env.DSP_REPO = 'demo';
    });

    const commitAt = (index: number): CommitSummary => ({
      commit: `${index}`.repeat(40).slice(0, 40),
      tree: 't'.repeat(40),
      parents: [],
      // 2024-03-01T23:30:00Z in UTC+2
      author: { name: `Author ${index}`, email: 'a@example.com', timestamp: 1709335800 + index * 60, timezoneOffset: -120 },
      message: `Change ${index}\n\nbody`,
    });

    it('log follows the cursor until -n commits and prints one line each', async () => {
      fake.on('GET', '/v1/repos/demo/commits', (request) =>
        request.query.cursor === undefined
          ? { status: 200, body: { commits: [commitAt(1), commitAt(2)], next: 'page-2' } }
          : { status: 200, body: { commits: [commitAt(3), commitAt(4)], next: 'page-3' } },
      );

      const result = await run(['log', '-n', '3', '--ref', 'release']);

      expect(result).toEqual({
        exitCode: 0,
        stdout:
          '1111111 2024-03-02 01:31 Author 1 Change 1\n' +
          '2222222 2024-03-02 01:32 Author 2 Change 2\n' +
          '3333333 2024-03-02 01:33 Author 3 Change 3\n',
        stderr: '',
      });
      expect(fake.requests.map((request) => request.query)).toEqual([
        { ref: 'release', limit: '3' },
        { ref: 'release', limit: '1', cursor: 'page-2' },
      ]);
    });

    it('show <rev> prints the commit and its changed files', async () => {
      fake.on('GET', '/v1/repos/demo/commits/main~1', {
        status: 200,
        body: { ...commitAt(5), changes: [{ path: 'hello.js', status: 'modified' }, { path: 'new.js', status: 'added' }] },
      });

      const result = await run(['show', 'main~1']);

      expect(result.stdout).toBe(
        [
          `commit ${'5'.repeat(40)}`,
          'Author: Author 5 <a@example.com>',
          'Date:   2024-03-02 01:35:00 +0200',
          '',
          '    Change 5',
          '    ',
          '    body',
          '',
          ' M hello.js',
          ' A new.js',
          '',
        ].join('\n'),
      );
    });

    it('show <rev>:<path> writes the raw file content', async () => {
      fake.on('GET', '/v1/repos/demo/files/lib/util%20v2.js', (request) => ({
        status: 200,
        body: `content at ${request.query.ref}\n`,
        contentType: 'text/plain',
      }));

      const result = await run(['show', 'abc1234:lib/util v2.js']);

      expect(result).toEqual({ exitCode: 0, stdout: 'content at abc1234\n', stderr: '' });
    });

    it('diff accepts <from>..<to> and <from> <to> and prints the server diff', async () => {
      const diff = 'diff --git a/hello.js b/hello.js\n--- a/hello.js\n+++ b/hello.js\n@@ -1 +1 @@\n-hello\n+hi\n';
      fake.on('GET', '/v1/repos/demo/diff', { status: 200, body: diff, contentType: 'text/x-diff' });

      expect(await run(['diff', 'v1..main'])).toEqual({ exitCode: 0, stdout: diff, stderr: '' });
      expect(await run(['diff', 'abc1234', 'def5678'])).toEqual({ exitCode: 0, stdout: diff, stderr: '' });
      expect(fake.requests.map((request) => request.query)).toEqual([
        { from: 'v1', to: 'main' },
        { from: 'abc1234', to: 'def5678' },
      ]);
    });

    it('show of a missing revision exits 2 with the server error', async () => {
      fake.on('GET', '/v1/repos/demo/commits/nope', {
        status: 404,
        body: { error: { code: 'revision-not-found', message: "revision 'nope' not found in repository 'demo'" } },
      });

      expect(await run(['show', 'nope'])).toEqual({
        exitCode: 2,
        stdout: '',
        stderr: "dsp: revision-not-found: revision 'nope' not found in repository 'demo'\n",
      });
    });

    it('endpoints prints a METHOD PATH SCRIPT table', async () => {
      fake.on('GET', '/v1/repos/demo/endpoints', {
        status: 200,
        body: {
          commit: HEAD,
          endpoints: [
            { method: 'GET', path: '/demo/hello/:name', script: 'hello.js' },
            { method: 'POST', path: '/demo/ratings', script: 'lib/rate.js' },
          ],
        },
      });

      const result = await run(['endpoints']);

      expect(result.stdout).toBe(
        'METHOD  PATH               SCRIPT\nGET     /demo/hello/:name  hello.js\nPOST    /demo/ratings      lib/rate.js\n',
      );
      expect(fake.requests[0]?.query).toEqual({ ref: 'main' });
    });
  });
});
