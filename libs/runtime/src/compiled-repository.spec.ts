import { describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { RecordingBackendServices } from './recording-backend-services.fake';
import { compilerForSpec, deviceRequest, scriptErrorOf, TEST_LIMITS } from './sandbox-test.util';
import type { ScriptFile } from './script-file.type';
import { ScriptError } from './script.error';

const noServices = new RecordingBackendServices({});
const compile = compilerForSpec();

describe('CompiledRepository', () => {
  it('runs a script whose handler answers with the request params', async () => {
    const repository = await compile([
      { path: 'hello.js', source: `export default async (request) => ({ status: 200, headers: { 'x-script': 'hello' }, body: { hello: request.params.name, method: request.method } });` },
    ]);

    const response = await repository.run('hello.js', deviceRequest({ params: { name: 'tv' } }), noServices, TEST_LIMITS);

    expect(response).toEqual({ status: 200, headers: { 'x-script': 'hello' }, body: { hello: 'tv', method: 'GET' } });
  });

  it('serves many runs from one compilation, each with its own request', async () => {
    const repository = await compile([{ path: 'echo.js', source: `export default (request) => ({ status: 200, body: request.query.n });` }]);

    const bodies = await Promise.all(
      ['1', '2', '3', '4', '5'].map(async (n) => (await repository.run('echo.js', deviceRequest({ query: { n } }), noServices, TEST_LIMITS)).body),
    );

    expect(bodies).toEqual(['1', '2', '3', '4', '5']);
  });

  it('links relative imports between the scripts of the repository', async () => {
    const repository = await compile([
      { path: 'lib/format.js', source: `import { bang } from './punctuation.js'; export const shout = (text) => bang(text.toUpperCase());` },
      { path: 'lib/punctuation.js', source: `export const bang = (text) => text + '!';` },
      { path: 'endpoints/greet.mjs', source: `import { shout } from '../lib/format.js'; export default async (request) => ({ status: 200, body: shout('hi ' + request.params.who) });` },
    ]);

    const response = await repository.run('endpoints/greet.mjs', deviceRequest({ params: { who: 'web' } }), noServices, TEST_LIMITS);

    expect(response.body).toBe('HI WEB!');
  });

  it('links modules that import each other in a cycle', async () => {
    const repository = await compile([
      { path: 'even.js', source: `import { odd } from './odd.js'; export function even(n) { return n === 0 ? true : odd(n - 1); }` },
      { path: 'odd.js', source: `import { even } from './even.js'; export function odd(n) { return n === 0 ? false : even(n - 1); }` },
      { path: 'parity.js', source: `import { even } from './even.js'; export default (request) => ({ status: 200, body: even(Number(request.params.n)) });` },
    ]);

    const response = await repository.run('parity.js', deviceRequest({ params: { n: '10' } }), noServices, TEST_LIMITS);

    expect(response.body).toBe(true);
  });

  it('rejects (rather than hangs) a request that cannot be copied into the isolate', async () => {
    const repository = await compile([{ path: 'a.js', source: `export default () => ({ status: 200 });` }]);

    await expect(repository.run('a.js', deviceRequest({ body: { callback: () => 1 } }), noServices, TEST_LIMITS)).rejects.toThrow(/could not be cloned/);
    expect((await repository.run('a.js', deviceRequest(), noServices, TEST_LIMITS)).status).toBe(200);
  });

  it('hands the script a copy of the request, so the script cannot change the caller\'s object', async () => {
    const repository = await compile([
      { path: 'mutate.js', source: `export default (request) => { request.params.name = 'changed'; request.headers.extra = '1'; return { status: 200, body: request.params }; };` },
    ]);
    const request = deviceRequest({ params: { name: 'original' } });

    const response = await repository.run('mutate.js', request, noServices, TEST_LIMITS);

    expect(response.body).toEqual({ name: 'changed' });
    expect(request.params).toEqual({ name: 'original' });
    expect(request.headers).toEqual({});
  });

  it('keeps module state between runs of the same compilation (modules are evaluated once)', async () => {
    const repository = await compile([{ path: 'count.js', source: `let runs = 0; export default () => ({ status: 200, body: ++runs });` }]);

    await repository.run('count.js', deviceRequest(), noServices, TEST_LIMITS);
    const second = await repository.run('count.js', deviceRequest(), noServices, TEST_LIMITS);

    expect(second.body).toBe(2);
  });

  it('reports a thrown error as script-threw carrying the script\'s message and location', async () => {
    const repository = await compile([{ path: 'boom.js', source: `export default async () => {\n  throw new RangeError('boom: no such channel');\n};` }]);

    const error = await scriptErrorOf(repository.run('boom.js', deviceRequest(), noServices, TEST_LIMITS), 'script-threw');

    expect(error.message).toContain('RangeError: boom: no such channel');
    expect(error.details.scriptStack).toContain('boom.js:2');
    expect(error.retriable).toBe(false);
  });

  it('reports a synchronous throw and a thrown non-error as script-threw', async () => {
    const repository = await compile([
      { path: 'sync.js', source: `export default () => { throw new TypeError('sync failure'); };` },
      { path: 'string.js', source: `export default async () => { throw 'just a string'; };` },
    ]);

    expect((await scriptErrorOf(repository.run('sync.js', deviceRequest(), noServices, TEST_LIMITS), 'script-threw')).message).toContain('sync failure');
    expect((await scriptErrorOf(repository.run('string.js', deviceRequest(), noServices, TEST_LIMITS), 'script-threw')).message).toContain('just a string');
  });

  it('reports a module that throws while loading as script-threw, and keeps the other scripts serving', async () => {
    const repository = await compile([
      { path: 'broken.js', source: `throw new Error('config missing'); export default () => ({ status: 200 });` },
      { path: 'fine.js', source: `export default () => ({ status: 204 });` },
    ]);

    const error = await scriptErrorOf(repository.run('broken.js', deviceRequest(), noServices, TEST_LIMITS), 'script-threw');
    const again = await scriptErrorOf(repository.run('broken.js', deviceRequest(), noServices, TEST_LIMITS), 'script-threw');
    const fine = await repository.run('fine.js', deviceRequest(), noServices, TEST_LIMITS);

    expect(error.message).toContain('config missing');
    expect(again).not.toBe(error);
    expect(fine).toEqual({ status: 204, headers: {}, body: undefined });
  });

  it.each([
    ['undefined', `undefined`, 'not undefined'],
    ['a string', `'ok'`, 'not string'],
    ['an array', `[200]`, 'not an array'],
    ['a missing status', `({ body: 1 })`, 'status must be an integer from 100 to 599, got nothing'],
    ['a string status', `({ status: '200' })`, 'status must be an integer from 100 to 599, got "200"'],
    ['a fractional status', `({ status: 200.5 })`, 'got 200.5'],
    ['a status out of range', `({ status: 600 })`, 'got 600'],
    ['headers that are not an object', `({ status: 200, headers: 'x' })`, 'headers must be an object of strings'],
    ['a header that is not a string', `({ status: 200, headers: { 'x-count': 3 } })`, 'header x-count must be a string, got 3'],
    ['a header with a line break', `({ status: 200, headers: { 'x-a': 'a\\r\\nset-cookie: b' } })`, 'header x-a contains a line break'],
    ['an invalid header name', `({ status: 200, headers: { 'bad name': 'x' } })`, 'is not a valid HTTP header name'],
    ['a function body', `({ status: 200, body: () => 1 })`, 'body must be a JSON value, not a function'],
    ['a bigint body', `({ status: 200, body: { n: 1n } })`, 'cannot be serialised as JSON'],
    ['a circular body', `(() => { const body = {}; body.self = body; return { status: 200, body }; })()`, 'cannot be serialised as JSON'],
  ])('rejects a handler that answers %s with script-bad-response', async (_case, answer, why) => {
    const repository = await compile([{ path: 'bad.js', source: `export default async () => ${answer};` }]);

    const error = await scriptErrorOf(repository.run('bad.js', deviceRequest(), noServices, TEST_LIMITS), 'script-bad-response');

    expect(error.message).toContain('bad.js answered with a bad response');
    expect(error.message).toContain(why);
  });

  it('answers with a JSON copy of the response, whatever prototypes or getters the script used', async () => {
    const repository = await compile([
      {
        path: 'shaped.js',
        source: `class Item { constructor() { this.id = 7; } get label() { return 'seven'; } }
          export default () => ({ status: 200, body: { item: new Item(), when: new Date(0), gone: undefined, list: [1, undefined] } });`,
      },
    ]);

    const response = await repository.run('shaped.js', deviceRequest(), noServices, TEST_LIMITS);

    expect(response.body).toEqual({ item: { id: 7 }, when: '1970-01-01T00:00:00.000Z', list: [1, null] });
  });

  it('forwards backend calls made in parallel to the host services and returns their results', async () => {
    const services = new RecordingBackendServices({
      catalog: (call) => ({ status: 200, body: { title: `title of ${call.path}` } }),
      ratings: async (call) => ({ status: 200, body: { stars: call.query?.['scale'] === '10' ? 9 : 4 } }),
      profiles: (call) => ({ status: 201, body: call.body }),
    });
    const repository = await compile([
      {
        path: 'home.js',
        source: `export default async (request, ctx) => {
          const [movie, rating, saved, raw] = await Promise.all([
            ctx.services.catalog.get('/movies/' + request.params.id),
            ctx.services.ratings.get('/ratings', { query: { scale: '10' } }),
            ctx.services.profiles.post('/profiles/1/history', { watched: request.params.id }),
            ctx.call({ service: 'catalog', method: 'DELETE', path: '/cache/x' }),
          ]);
          await ctx.services.profiles.put('/profiles/1', { last: 1 });
          await ctx.services.catalog.delete('/movies/0', { query: { hard: 'yes' } });
          return { status: 200, body: { title: movie.body.title, stars: rating.body.stars, saved: saved.status, raw: raw.status } };
        };`,
      },
    ]);

    const response = await repository.run('home.js', deviceRequest({ params: { id: '42' } }), services, TEST_LIMITS);

    expect(response.body).toEqual({ title: 'title of /movies/42', stars: 9, saved: 201, raw: 200 });
    expect(services.calls.slice(0, 4)).toEqual(
      expect.arrayContaining([
        { service: 'catalog', method: 'GET', path: '/movies/42', query: undefined, body: undefined },
        { service: 'ratings', method: 'GET', path: '/ratings', query: { scale: '10' }, body: undefined },
        { service: 'profiles', method: 'POST', path: '/profiles/1/history', query: undefined, body: { watched: '42' } },
        { service: 'catalog', method: 'DELETE', path: '/cache/x', query: undefined, body: undefined },
      ]),
    );
    expect(services.calls.slice(4)).toEqual([
      { service: 'profiles', method: 'PUT', path: '/profiles/1', query: undefined, body: { last: 1 } },
      { service: 'catalog', method: 'DELETE', path: '/movies/0', query: { hard: 'yes' }, body: undefined },
    ]);
  });

  it('starts parallel backend calls before any of them answers', async () => {
    const started: string[] = [];
    let releaseAll: () => void = () => undefined;
    const allStarted = new Promise<void>((resolve) => (releaseAll = resolve));
    const services = new RecordingBackendServices({
      slow: async (call) => {
        started.push(call.path);
        if (started.length === 3) releaseAll();
        await allStarted;
        return { status: 200, body: call.path };
      },
    });
    const repository = await compile([
      { path: 'fan-out.js', source: `export default async (r, ctx) => ({ status: 200, body: await Promise.all(['/a', '/b', '/c'].map((p) => ctx.services.slow.get(p).then((x) => x.body))) });` },
    ]);

    const response = await repository.run('fan-out.js', deviceRequest(), services, TEST_LIMITS);

    expect(response.body).toEqual(['/a', '/b', '/c']);
    expect(started.sort()).toEqual(['/a', '/b', '/c']);
  });

  it('lets a script catch a failed backend call, whose error carries the host\'s message', async () => {
    const services = new RecordingBackendServices({
      catalog: () => {
        throw new Error('catalog is down');
      },
    });
    const repository = await compile([
      {
        path: 'fallback.js',
        source: `export default async (r, ctx) => {
          const unknown = await ctx.services.catalog.get('/x').then(() => 'no', (e) => e instanceof Error && e.message);
          const missing = await ctx.call({ service: 'nope', method: 'GET', path: '/' }).catch((e) => e.message);
          const invalid = await ctx.call({ service: 'catalog', method: 'GET', path: 3 }).catch((e) => e.message);
          const uncloneable = await ctx.services.catalog.post('/x', { f() {} }).catch((e) => e.message);
          return { status: 200, body: { unknown, missing, invalid, uncloneable } };
        };`,
      },
    ]);

    const response = await repository.run('fallback.js', deviceRequest(), services, TEST_LIMITS);

    expect(response.body).toEqual({
      unknown: 'catalog is down',
      missing: "unknown backend service 'nope'",
      invalid: 'a backend call needs a string service, method and path',
      uncloneable: expect.stringContaining('the backend call cannot be sent'),
    });
  });

  it('gives ctx.services exactly the host\'s service names', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: null }), ratings: () => ({ status: 200, body: null }) });
    const repository = await compile([{ path: 'names.js', source: `export default (r, ctx) => ({ status: 200, body: Object.keys(ctx.services) });` }]);

    const response = await repository.run('names.js', deviceRequest(), services, TEST_LIMITS);

    expect(response.body).toEqual(['catalog', 'ratings']);
  });

  it('collects ctx.log lines for the run that wrote them', async () => {
    const repository = await compile([
      { path: 'log.js', source: `export default (request, ctx) => { ctx.log('serving', request.params.id, { n: 1 }, [2]); ctx.log(undefined, null); return { status: 200 }; };` },
    ]);
    const first: string[] = [];
    const second: string[] = [];

    await Promise.all([
      repository.run('log.js', deviceRequest({ params: { id: 'a' } }), noServices, TEST_LIMITS, { onLog: (line) => first.push(line) }),
      repository.run('log.js', deviceRequest({ params: { id: 'b' } }), noServices, TEST_LIMITS, { onLog: (line) => second.push(line) }),
    ]);

    expect(first).toEqual(['serving a {"n":1} [2]', 'undefined null']);
    expect(second).toEqual(['serving b {"n":1} [2]', 'undefined null']);
  });

  it('caps the log lines of one run', async () => {
    const repository = await compile([{ path: 'chatty.js', source: `export default (r, ctx) => { for (let i = 0; i < 1000; i++) ctx.log('line', i); return { status: 200 }; };` }]);
    const lines: string[] = [];

    await repository.run('chatty.js', deviceRequest(), noServices, TEST_LIMITS, { onLog: (line) => lines.push(line) });

    expect(lines).toHaveLength(101);
    expect(lines[99]).toBe('line 99');
    expect(lines[100]).toContain('dropped');
  });

  it('answers script-not-found for an unknown script or one without a default export function', async () => {
    const repository = await compile([
      { path: 'no-default.js', source: `export const handler = () => ({ status: 200 });` },
      { path: 'not-a-function.js', source: `export default { status: 200 };` },
      { path: 'manifest.json', source: `{ "not": "a script" }` },
    ]);

    await scriptErrorOf(repository.run('missing.js', deviceRequest(), noServices, TEST_LIMITS), 'script-not-found');
    await scriptErrorOf(repository.run('manifest.json', deviceRequest(), noServices, TEST_LIMITS), 'script-not-found');
    const noDefault = await scriptErrorOf(repository.run('no-default.js', deviceRequest(), noServices, TEST_LIMITS), 'script-not-found');
    await scriptErrorOf(repository.run('not-a-function.js', deviceRequest(), noServices, TEST_LIMITS), 'script-not-found');

    expect(noDefault.message).toContain('no default export function');
  });

  it('refuses to compile a repository with a syntax error or an unresolved import, listing the problems', async () => {
    const compiling = CompiledRepository.compile([
      { path: 'ok.js', source: `export default () => ({ status: 200 });` },
      { path: 'typo.js', source: `export default () => {\n  return { status: 200 ;\n};` },
      { path: 'lost.js', source: `import x from './nowhere.js';\nexport default x;` },
    ]);

    const error = await scriptErrorOf(compiling, 'script-invalid');

    expect(error.details.problems).toEqual([
      { path: 'typo.js', line: 2, column: expect.any(Number), message: expect.stringContaining('SyntaxError') },
      { path: 'lost.js', line: 1, column: 15, message: expect.stringContaining("no script nowhere.js") },
    ]);
  });

  it('refuses to compile a repository importing a name another script does not export', async () => {
    const compiling = CompiledRepository.compile([
      { path: 'a.js', source: `import { missing } from './b.js';\nexport default () => ({ status: 200, body: missing });` },
      { path: 'b.js', source: `export const present = 1;` },
    ]);

    const error = await scriptErrorOf(compiling, 'script-invalid');

    expect(error.details.problems).toEqual([
      { path: 'a.js', line: 1, column: 25, message: "SyntaxError: The requested module './b.js' does not provide an export named 'missing'" },
    ]);
  });

  it('clamps the memory limit to 128 MB', async () => {
    const repository = await compile([{ path: 'a.js', source: `export default () => ({ status: 200 });` }], { memoryMb: 4096 });

    const response = await repository.run('a.js', deviceRequest(), noServices, TEST_LIMITS);

    expect(response.status).toBe(200);
  });

  it('after dispose() refuses runs with the retriable script-disposed, and ends runs in flight the same way', async () => {
    let called: () => void = () => undefined;
    const callStarted = new Promise<void>((resolve) => (called = resolve));
    const services = new RecordingBackendServices({
      hang: () => {
        called();
        return new Promise(() => undefined);
      },
    });
    const repository = await compile([{ path: 'wait.js', source: `export default async (r, ctx) => { await ctx.services.hang.get('/'); return { status: 200 }; };` }]);
    const inFlight = repository.run('wait.js', deviceRequest(), services, TEST_LIMITS);
    await callStarted;

    repository.dispose();

    const ended = await scriptErrorOf(inFlight, 'script-disposed');
    const refused = await scriptErrorOf(repository.run('wait.js', deviceRequest(), services, TEST_LIMITS), 'script-disposed');
    expect(repository.disposed).toBe(true);
    expect(ended.retriable).toBe(true);
    expect(refused).toBeInstanceOf(ScriptError);
  });
});
