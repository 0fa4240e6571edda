// Escape corpus: abusing the host API a script is handed: ctx.log as a flood or a side channel,
// backend calls as an amplifier (thousands in parallel), to unknown services, after the request
// ended, and with paths that try to leave the service (traversal, absolute URLs, the cloud
// metadata address, encoded separators, method smuggling).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpBackendServices } from '../http-backend-services.adapter';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { BACKEND_CALLS_PER_RUN, LOG_LINES_PER_RUN } from '../sandbox-bootstrap.constant';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter, runAttack } from './escape-corpus.util';

afterEach(disposeAttacks);

/** A backend that records what reaches it. */
let server: Server;
let baseUrl: string;
const reached: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    reached.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/catalog`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('abuse of the host API', () => {
  it(`ctx.log called 100 000 times: the host receives ${LOG_LINES_PER_RUN} lines and one notice`, async () => {
    const lines: string[] = [];
    const { attack, outcome } = await attackWith(`export default (request, ctx) => { for (let i = 0; i < 100000; i++) ctx.log('line', i); return { status: 200 }; };`, {
      hooks: { onLog: (line) => lines.push(line) },
    });

    await outcome;
    expect(lines).toHaveLength(LOG_LINES_PER_RUN + 1);
    expect(lines.at(-1)).toBe('[further log lines of this request were dropped]');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('ctx.log with values whose toJSON and toString throw: formatted safely, the run answers', async () => {
    const lines: string[] = [];
    const { attack, outcome } = await attackWith(
      `export default (request, ctx) => {
        ctx.log({ toJSON() { throw new Error('no json'); }, toString() { throw new Error('no string'); } }, Symbol('s'), 10n, () => 1);
        return { status: 200 };
      };`,
      { hooks: { onLog: (line) => lines.push(line) } },
    );

    await outcome;
    expect(lines).toEqual(['[unprintable] Symbol(s) 10 () => 1']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a host log sink that throws cannot be used to fail the script or the host', async () => {
    const { attack, outcome } = await attackWith(`export default (request, ctx) => { ctx.log('boom'); return { status: 200, body: 'answered' }; };`, {
      hooks: {
        onLog: () => {
          throw new Error('sink down');
        },
      },
    });

    expect((await outcome).body).toBe('answered');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a ctx kept from an earlier request and used by a later one: its log lines and backend calls go nowhere', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: 'ok' }) });
    const firstLines: string[] = [];
    const { attack, outcome } = await attackWith(
      `let stale;
      export default async (request, ctx) => {
        if (stale === undefined) { stale = ctx; return { status: 200, body: 'kept ctx' }; }
        stale.log('written through a stale ctx');
        const reply = await stale.services.catalog.get('/stale').then(() => 'called', (error) => error.message);
        return { status: 200, body: reply };
      };`,
      { services, hooks: { onLog: (line) => firstLines.push(line) } },
    );
    await outcome;
    const secondLines: string[] = [];

    const second = await runAttack(attack, { services, hooks: { onLog: (line) => secondLines.push(line) } });

    expect(second.body).toBe('this request has already finished; it can make no more backend calls');
    expect(services.calls).toEqual([]);
    expect([...firstLines, ...secondLines]).toEqual([]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it(`5 000 backend calls in parallel: the host receives ${BACKEND_CALLS_PER_RUN}, the rest are refused inside the isolate`, async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: 'ok' }) });
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => {
        const settled = await Promise.allSettled(Array.from({ length: 5000 }, (_, i) => ctx.services.catalog.get('/' + i)));
        const refused = settled.filter((s) => s.status === 'rejected');
        return { status: 200, body: { fulfilled: settled.length - refused.length, refused: refused.length, reason: refused[0]?.reason.message } };
      };`,
      { services, limits: { timeoutMs: 2000, memoryMb: 16 } },
    );

    expect((await outcome).body).toEqual({
      fulfilled: BACKEND_CALLS_PER_RUN,
      refused: 5000 - BACKEND_CALLS_PER_RUN,
      reason: `this request has made ${BACKEND_CALLS_PER_RUN} backend calls, the most one request may make`,
    });
    expect(services.calls).toHaveLength(BACKEND_CALLS_PER_RUN);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('calls to services the host does not have (ctx.call with any name): refused by the host, the message reaches the script', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: 'ok' }) });
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => ({ status: 200, body: await Promise.all(['admin', '__proto__', 'constructor', '../catalog'].map((service) => ctx.call({ service, method: 'GET', path: '/' }).then(() => 'reached', (e) => e.message))) });`,
      { services },
    );

    expect((await outcome).body).toEqual([
      "unknown backend service 'admin'",
      "unknown backend service '__proto__'",
      "unknown backend service 'constructor'",
      "unknown backend service '../catalog'",
    ]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it.each([
    ['../../admin', "path '../../admin' leaves service catalog"],
    ['/../../../admin', "path '/../../../admin' leaves service catalog"],
    ['%2e%2e/%2e%2e/admin', "path '%2e%2e/%2e%2e/admin' leaves service catalog"],
    ['..%2f..%2fadmin', "path '..%2f..%2fadmin' hides a path separator ('%2f', '%5c')"],
    ['..%5C..%5Cadmin', "path '..%5C..%5Cadmin' hides a path separator ('%2f', '%5c')"],
    ['http://169.254.169.254/latest/meta-data/', "path 'http://169.254.169.254/latest/meta-data/' leaves service catalog"],
    ['\\\\169.254.169.254\\latest', "path '\\\\169.254.169.254\\latest' leaves service catalog"],
    ['file:///etc/passwd', "path 'file:///etc/passwd' leaves service catalog"],
  ])('a backend path %s that tries to leave the service: refused before any request is sent', async (path, message) => {
    const services = new HttpBackendServices({ catalog: { baseUrl, allowPrivateNetwork: true } });
    const before = reached.length;
    const { attack, outcome } = await attackWith(`export default async (request, ctx) => ({ status: 200, body: await ctx.services.catalog.get(${JSON.stringify(path)}).then(() => 'sent', (e) => e.message) });`, {
      services,
      limits: { timeoutMs: 2000, memoryMb: 16 },
    });

    expect((await outcome).body).toBe(message);
    expect(reached.slice(before)).toEqual([]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a path that stays inside the service is sent as is (the traversal guard is not a blanket refusal)', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl, allowPrivateNetwork: true } });
    const before = reached.length;
    const { attack, outcome } = await attackWith(`export default async (request, ctx) => ({ status: 200, body: (await ctx.services.catalog.get('/movies/../shows/1', { query: { q: 'a/b' } })).body });`, {
      services,
      limits: { timeoutMs: 2000, memoryMb: 16 },
    });

    expect((await outcome).body).toEqual({ url: '/api/catalog/shows/1?q=a%2Fb' });
    expect(reached.slice(before)).toEqual(['GET /api/catalog/shows/1?q=a%2Fb']);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('request smuggling through the method (CRLF, CONNECT, TRACE): nothing reaches the backend', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl, allowPrivateNetwork: true } });
    const before = reached.length;
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => ({ status: 200, body: await Promise.all(['GET /admin HTTP/1.1\\r\\nX: y', 'CONNECT', 'TRACE'].map((method) => ctx.call({ service: 'catalog', method, path: '/x' }).then(() => 'sent', () => 'refused'))) });`,
      { services, limits: { timeoutMs: 2000, memoryMb: 16 } },
    );

    expect((await outcome).body).toEqual(['refused', 'refused', 'refused']);
    expect(reached.slice(before)).toEqual([]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
