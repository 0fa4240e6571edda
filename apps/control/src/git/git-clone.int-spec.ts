/**
 * The stock git client clones a repository from the control app over git's dumb HTTP protocol
 * and gets exactly the history the platform recorded: same commit ids, same files, and a
 * repository `git fsck` finds sound. Control and projector run on embedded engines; git runs as
 * a child process against a real listening socket.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '@dsp/testing';
import { startEmbeddedControlPlane } from '../embedded-control-plane-test.util';

const run = promisify(execFile);
const token = 'git-spec-token';
const REPO = 'gitclone';
const author = { name: 'Zoë Ada', email: 'zoe@localhost' };

interface Change {
  path: string;
  content?: string;
  delete?: true;
}

/** Each step is one commit; together they cover nested folders, deletions and odd content. */
const STEPS: { message: string; changes: Change[] }[] = [
  {
    message: 'Add scripts in nested folders',
    changes: [
      { path: 'hello.js', content: "import { x } from './lib/util/x.js';\nexport default async () => ({ status: 200, body: { x } });\n" },
      { path: 'lib/util/x.js', content: 'export const x = 1;' },
      { path: 'lib/util/deep/y.js', content: 'export const y = "héllo ✓";\n' },
      { path: 'README.md', content: '# Read me\n' },
    ],
  },
  { message: 'Change x\n\nA body paragraph, with ünïcödé.', changes: [{ path: 'lib/util/x.js', content: 'export const x = 2;\n' }] },
  { message: 'Remove the readme', changes: [{ path: 'README.md', delete: true }] },
  {
    message: 'Drop the deep folder, add notes without a trailing newline',
    changes: [
      { path: 'lib/util/deep/y.js', delete: true },
      { path: 'notes.txt', content: 'no newline at the end' },
      { path: 'lib-a.js', content: 'export default 0;\n' },
      { path: 'empty.txt', content: '' },
    ],
  },
  { message: 'Tweak hello', changes: [{ path: 'hello.js', content: "import { x } from './lib/util/x.js';\nexport default async () => ({ status: 200, body: { x, v: 2 } });\n" }] },
];

describe('git clone over dumb HTTP', () => {
  let app: NestFastifyApplication;
  let stop: () => Promise<void>;
  let baseUrl: string;
  const tempDirs: string[] = [];
  /** Files of the branch after the last commit. */
  const expected = new Map<string, string>();
  const heads: string[] = [];

  const api = async (method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const json = <T>(text: string): T => JSON.parse(text) as T;

  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'dsp-git-clone-'));
    tempDirs.push(dir);
    return dir;
  };
  /** git with no user or system configuration and no way to prompt for credentials. */
  const git = async (args: string[], cwd: string): Promise<string> => {
    const { stdout } = await run('git', args, {
      cwd,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LANG: 'C', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
    });
    return stdout;
  };
  const clone = async (authorization: string | null): Promise<string> => {
    const dir = tempDir();
    const auth = authorization === null ? [] : ['-c', `http.extraHeader=Authorization: ${authorization}`];
    await git([...auth, 'clone', '-q', `${baseUrl}/git/${REPO}.git`, 'work'], dir);
    return join(dir, 'work');
  };

  beforeAll(async () => {
    const plane = await startEmbeddedControlPlane(token);
    app = plane.app;
    stop = plane.close;
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    if (address === null || typeof address === 'string') throw new Error('control app is not listening on a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;

    expect((await api('POST', '/v1/repos', { name: REPO })).status).toBe(201);
    let parent: string | null = null;
    for (const step of STEPS) {
      const response = await api('POST', `/v1/repos/${REPO}/commits`, { branch: 'main', parent, message: step.message, author, changes: step.changes });
      expect(response.status, response.text).toBe(201);
      parent = json<{ commit: string }>(response.text).commit;
      heads.push(parent);
      for (const change of step.changes) {
        if (change.delete) expected.delete(change.path);
        else expected.set(change.path, change.content ?? '');
      }
    }
    const head = parent;
    await pollUntil(
      async () => {
        const [log, refs] = await Promise.all([api('GET', `/v1/repos/${REPO}/commits?ref=main`), api('GET', `/v1/repos/${REPO}/refs`)]);
        return (
          log.status === 200 &&
          json<{ commits: { commit: string }[] }>(log.text).commits[0]?.commit === head &&
          json<{ refs: { name: string; commit: string }[] }>(refs.text).refs.some((r) => r.name === 'main' && r.commit === head)
        );
      },
      { timeoutMs: 10_000, description: `the projection of ${head ?? 'the last commit'}` },
    );
  }, 30_000);

  afterAll(async () => {
    await stop();
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('clones the exact history: same ids, same files, and git fsck is satisfied', async () => {
    const started = Date.now();
    const work = await clone(`Bearer ${token}`);
    const cloneMs = Date.now() - started;
    console.info(`git clone of ${STEPS.length} commits took ${cloneMs} ms`);

    expect((await git(['rev-parse', 'HEAD'], work)).trim()).toBe(heads.at(-1));
    expect((await git(['symbolic-ref', 'HEAD'], work)).trim()).toBe('refs/heads/main');
    const history = json<{ commits: { commit: string }[] }>((await api('GET', `/v1/repos/${REPO}/commits?ref=main`)).text).commits.map((c) => c.commit);
    expect(history).toEqual([...heads].reverse());
    expect((await git(['log', '--format=%H'], work)).trim().split('\n')).toEqual(history);

    // fsck exits non-zero on a missing, corrupt or mis-hashed object, or a badly sorted tree.
    await git(['fsck', '--full', '--strict', '--no-dangling'], work);

    expect((await git(['ls-files'], work)).trim().split('\n').sort()).toEqual([...expected.keys()].sort());
    for (const [path, content] of expected) expect(readFileSync(join(work, path), 'utf8'), path).toBe(content);
    // Older revisions are complete too: the deep folder and the readme as first committed.
    expect(await git(['show', `${heads[0]}:lib/util/deep/y.js`], work)).toBe('export const y = "héllo ✓";\n');
    expect(await git(['show', `${heads[0]}:lib/util/x.js`], work)).toBe('export const x = 1;');
    expect((await git(['log', '-1', '--format=%an <%ae>%n%B', heads[1] ?? ''], work)).trim()).toBe('Zoë Ada <zoe@localhost>\nChange x\n\nA body paragraph, with ünïcödé.');
  }, 60_000);

  it('refuses to clone without the token or with a wrong one', async () => {
    // On 401 git asks for credentials, which GIT_TERMINAL_PROMPT=0 forbids.
    await expect(clone(null)).rejects.toThrow(/could not read Username|Authentication failed/);
    await expect(clone('Bearer wrong-token')).rejects.toThrow(/could not read Username|Authentication failed/);
  }, 60_000);

  it('speaks the dumb protocol: text refs, a Bearer challenge, 404 for what does not exist', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const refs = await api('GET', `/git/${REPO}.git/info/refs?service=git-upload-pack`, undefined, auth);
    expect(refs.status).toBe(200);
    expect(refs.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(refs.text).toBe(`${heads.at(-1) ?? ''}\trefs/heads/main\n`);
    expect((await api('GET', `/git/${REPO}.git/HEAD`, undefined, auth)).text).toBe('ref: refs/heads/main\n');
    expect(await api('GET', `/git/${REPO}.git/objects/info/packs`, undefined, auth)).toMatchObject({ status: 200, text: '' });

    const denied = await api('GET', `/git/${REPO}.git/info/refs`, undefined, {});
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="dsp"');

    expect((await api('GET', `/git/${REPO}.git/objects/info/alternates`, undefined, auth)).status).toBe(404);
    expect((await api('GET', `/git/${REPO}.git/objects/info/http-alternates`, undefined, auth)).status).toBe(404);
    expect((await api('GET', `/git/nope.git/info/refs`, undefined, auth)).status).toBe(404);
    expect((await api('GET', `/git/nope.git/HEAD`, undefined, auth)).status).toBe(404);
    expect((await api('GET', `/git/${REPO}.git/objects/ff/${'f'.repeat(38)}`, undefined, auth)).status).toBe(404);
    const head = heads.at(-1) ?? '';
    expect((await api('GET', `/git/nope.git/objects/${head.slice(0, 2)}/${head.slice(2)}`, undefined, auth)).status).toBe(404);
  });
});
