/** The management API's contract at the HTTP edge, on embedded engines (no Kafka, no Cassandra). */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEventually } from '@dsp/testing';
import { startEmbeddedControlPlane } from './embedded-control-plane-test.util';

const token = 'spec-token';
const auth = { authorization: `Bearer ${token}` };
const author = { name: 'Ada', email: 'ada@localhost' };

describe('management API', () => {
  let app: NestFastifyApplication;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const plane = await startEmbeddedControlPlane(token);
    app = plane.app;
    stop = plane.close;
  });
  afterAll(async () => stop());

  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = auth) => {
    const response = await app.inject({ method, url, payload: payload as Record<string, unknown> | undefined, headers });
    const json = String(response.headers['content-type'] ?? '').startsWith('application/json');
    return { status: response.statusCode, body: (json ? response.json() : { text: response.body }) as { error?: { code: string; message: string; details?: { problems?: unknown[]; currentHead?: string } } } & Record<string, unknown> };
  };

  it('answers 401 without a token or with a wrong one, and serves the OpenAPI document', async () => {
    expect((await call('GET', '/v1/repos', undefined, {})).status).toBe(401);
    expect((await call('GET', '/v1/repos', undefined, { authorization: 'Bearer nope' })).body.error?.code).toBe('unauthorized');
    const openapi = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
    expect(Object.keys((openapi.json() as { paths: Record<string, unknown> }).paths)).toContain('/v1/repos/{repo}/commits');
  });

  it('says which fields of a request are wrong', async () => {
    const response = await call('POST', '/v1/repos/x/commits', { branch: 'main', parent: 'abc', message: '', author: { name: 'A', email: 'no at' }, changes: [{ path: 'a.js' }] });
    expect(response.status).toBe(400);
    expect(response.body.error?.details?.problems).toEqual([
      { field: 'parent', message: 'parent must be a full 40-digit commit id or null' },
      { field: 'message', message: 'message should not be empty' },
      { field: 'author.email', message: 'author.email must look like name@host, without spaces, < or >' },
      { field: 'changes.0.content', message: 'changes.0.content must be a string (or set "delete": true)' },
    ]);
  });

  it('creates a repository once', async () => {
    expect((await call('POST', '/v1/repos', { name: 'tv' })).status).toBe(201);
    const again = await call('POST', '/v1/repos', { name: 'tv' });
    expect(again.status).toBe(409);
    expect(again.body.error?.code).toBe('repository-exists');
  });

  it('commits, then refuses a stale parent with 409 naming the head, and bad content with 422 per file', async () => {
    const first = await call('POST', '/v1/repos/tv/commits', { branch: 'main', parent: null, message: 'one', author, changes: [{ path: 'a.js', content: 'export default 1;\n' }] });
    expect(first.status).toBe(201);
    const head = first.body.commit as string;
    expect(head).toMatch(/^[0-9a-f]{40}$/);

    const stale = await call('POST', '/v1/repos/tv/commits', { branch: 'main', parent: null, message: 'two', author, changes: [{ path: 'b.js', content: '1;\n' }] });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.details?.currentHead).toBe(head);

    const bad = await call('POST', '/v1/repos/tv/commits', {
      branch: 'main',
      parent: head,
      message: 'bad',
      author,
      changes: [
        { path: 'a.js', content: 'export default (;\n' },
        { path: 'dsp.json', content: '{"endpoints": [{"method": "GET", "path": "/x", "script": "missing.js"}]}' },
        { path: '../escape.js', content: '1;' },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error?.code).toBe('invalid-commit');
    expect(bad.body.error?.details?.problems).toEqual([{ path: '../escape.js', message: 'path may not contain empty, "." or ".." segments' }]);
  });

  it('answers 404 for unknown repositories, revisions and files', async () => {
    expect((await call('GET', '/v1/repos/nope/commits')).body.error?.code).toBe('repository-not-found');
    await expectEventually(async () => expect(await call('GET', '/v1/repos/tv/files/a.js')).toMatchObject({ status: 200 }), { timeoutMs: 3000 });
    expect((await call('GET', '/v1/repos/tv/files/a.js')).body.text).toBe('export default 1;\n');
    expect((await call('GET', '/v1/repos/tv/commits/ffff')).body.error?.code).toBe('revision-not-found');
    expect((await call('GET', '/v1/repos/tv/files/none.js')).body.error?.code).toBe('file-not-found');
  });

  it('diffs two revisions as git text, as JSON with counts, and as an endpoint diff', async () => {
    expect((await call('POST', '/v1/repos', { name: 'diffs' })).status).toBe(201);
    const manifest = (endpoints: { method: string; path: string; script: string }[]) => JSON.stringify({ endpoints });
    const one = await call('POST', '/v1/repos/diffs/commits', {
      branch: 'main', parent: null, message: 'one', author,
      changes: [
        { path: 'dsp.json', content: manifest([{ method: 'GET', path: '/d/a', script: 'a.js' }, { method: 'GET', path: '/d/b', script: 'b.js' }]) },
        { path: 'a.js', content: "import { v } from './lib/v.js';\nexport default async () => ({ status: 200, body: v });\n" },
        { path: 'b.js', content: 'export default async () => ({ status: 200, body: 2 });\n' },
        { path: 'lib/v.js', content: 'export const v = 1;\n' },
      ],
    });
    const two = await call('POST', '/v1/repos/diffs/commits', {
      branch: 'main', parent: one.body.commit, message: 'two', author,
      changes: [
        { path: 'dsp.json', content: manifest([{ method: 'GET', path: '/d/a', script: 'a.js' }, { method: 'GET', path: '/d/c', script: 'b.js' }]) },
        { path: 'lib/v.js', content: 'export const v = 2;\n' },
      ],
    });
    expect(two.status).toBe(201);
    await expectEventually(async () => expect((await call('GET', `/v1/repos/diffs/commits/${two.body.commit as string}`)).status).toBe(200), { timeoutMs: 3000 });
    const json = await call('GET', `/v1/repos/diffs/diff?from=${one.body.commit as string}&to=${two.body.commit as string}&format=json`);
    const files = json.body.files as { path: string; status: string; added: number; removed: number }[];
    expect(files.map((f) => [f.path, f.status, f.added, f.removed])).toEqual([
      ['dsp.json', 'modified', 1, 1],
      ['lib/v.js', 'modified', 1, 1],
    ]);
    const endpoints = await call('GET', `/v1/repos/diffs/diff?from=${one.body.commit as string}&to=${two.body.commit as string}&format=endpoints`);
    expect(endpoints.body).toMatchObject({
      added: [{ method: 'GET', path: '/d/c', script: 'b.js' }],
      removed: [{ method: 'GET', path: '/d/b', script: 'b.js' }],
      changed: [{ method: 'GET', path: '/d/a', changes: ['script-content'] }],
    });
    // Reads resolve `main` from the projection, which moves the branch after recording the commit.
    await expectEventually(async () => expect((await call('GET', `/v1/repos/diffs/diff?from=main~1&to=main&format=xml`)).status).toBe(400), { timeoutMs: 3000 });
  });

  it('resolves tags like branches: files and diffs at a tag', async () => {
    const tag = await call('POST', '/v1/repos/diffs/tags', { name: 'v1', revision: 'main~1' });
    expect(tag.status).toBe(201);
    await expectEventually(async () => expect((await call('GET', '/v1/repos/diffs/files/lib/v.js?ref=v1')).body.text).toBe('export const v = 1;\n'), { timeoutMs: 3000 });
    const diff = await call('GET', '/v1/repos/diffs/diff?from=v1&to=main&format=json');
    expect((diff.body.files as { path: string }[]).map((f) => f.path)).toEqual(['dsp.json', 'lib/v.js']);
    expect((await call('POST', '/v1/repos/diffs/tags', { name: 'v1', revision: 'main' })).body.error?.code).toBe('tag-exists');
  });

  it('refuses a TypeScript syntax error with 422 naming line and column, and commits a type error', async () => {
    expect((await call('POST', '/v1/repos', { name: 'typed' })).status).toBe(201);
    const manifest = { path: 'dsp.json', content: JSON.stringify({ endpoints: [{ method: 'GET', path: '/typed/hello', script: 'hello.ts' }] }) };
    const commit = (source: string) =>
      call('POST', '/v1/repos/typed/commits', { branch: 'main', parent: null, message: 'ts', author, changes: [manifest, { path: 'hello.ts', content: source }] });

    const broken = await commit("type Reply = { status: number };\n\nexport default async (): Promise<Reply> => {\n  return { status: 200 ;\n};\n");
    expect(broken.status).toBe(422);
    expect(broken.body.error?.details?.problems).toEqual([{ path: 'hello.ts', line: 4, column: 24, message: "SyntaxError: ',' expected (TS1005)" }]);

    const mistyped = await commit("const status: number = '200';\nexport default async () => ({ status: Number(status), body: 'typed' });\n");
    expect(mistyped.status).toBe(201);
  });
});
