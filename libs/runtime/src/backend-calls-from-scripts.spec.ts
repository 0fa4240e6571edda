import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CompiledRepository } from './compiled-repository.sandbox';
import { HttpBackendServices } from './http-backend-services.adapter';
import { deviceRequest, TEST_LIMITS } from './sandbox-test.util';

/**
 * Scripts calling real HTTP backends through ctx: HttpBackendServices behind the sandbox's bridge,
 * against a server on loopback (so every service here is allowed onto the private network).
 */
let server: Server;
let origin: string;
/** Requests to /pair/* are held until two of them are in flight, then both are answered. */
let held: (() => void)[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = request.url ?? '';
    if (url.startsWith('/hang')) return;
    if (url.includes('/pair/')) {
      held.push(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: url })));
      if (held.length === 2) for (const answer of held.splice(0)) answer();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ from: url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const opened: CompiledRepository[] = [];
afterEach(() => {
  held = [];
  for (const repository of opened.splice(0)) repository.dispose();
});

async function runScript(source: string, services: HttpBackendServices): Promise<unknown> {
  const repository = await CompiledRepository.compile([{ path: 'script.js', source }], { memoryMb: TEST_LIMITS.memoryMb });
  opened.push(repository);
  return (await repository.run('script.js', deviceRequest(), services, TEST_LIMITS)).body;
}

describe('backend calls from scripts over HTTP', () => {
  it('calls two services in parallel from one script', async () => {
    const services = new HttpBackendServices({
      catalog: { baseUrl: `${origin}/catalog`, allowPrivateNetwork: true },
      ratings: { baseUrl: `${origin}/ratings`, allowPrivateNetwork: true },
    });

    // Each answer waits for the other request: made one after the other, the first would time out.
    const body = await runScript(
      `export default async (r, ctx) => {
        const [movie, rating] = await Promise.all([ctx.services.catalog.get('/pair/1'), ctx.services.ratings.get('/pair/1')]);
        return { status: 200, body: [movie.status, movie.body.from, rating.status, rating.body.from] };
      };`,
      services,
    );

    expect(body).toEqual([200, '/catalog/pair/1', 200, '/ratings/pair/1']);
  });

  it('lets a script give one call less time than the service allows', async () => {
    const services = new HttpBackendServices({ slow: { baseUrl: `${origin}/hang`, timeoutMs: 5000, allowPrivateNetwork: true } });

    const body = await runScript(
      `export default async (r, ctx) => ({ status: 200, body: [
        await ctx.services.slow.get('/x', { timeoutMs: 50 }).then(() => 'answered', (e) => e.message),
        await ctx.call({ service: 'slow', method: 'GET', path: '/x', timeoutMs: 60 }).then(() => 'answered', (e) => e.message),
        await ctx.services.slow.get('/x', { timeoutMs: -1 }).then(() => 'answered', (e) => e.message),
      ] });`,
      services,
    );

    expect(body).toEqual(['slow did not answer within 50 ms', 'slow did not answer within 60 ms', 'timeoutMs must be a positive number of milliseconds']);
  });

  it('tells the script which method and which address were refused', async () => {
    const services = new HttpBackendServices({
      catalog: { baseUrl: `${origin}/catalog`, allowPrivateNetwork: true },
      internal: { baseUrl: `${origin}/internal` },
    });

    const body = await runScript(
      `export default async (r, ctx) => ({ status: 200, body: [
        await ctx.services.catalog.post('/titles', { name: 'x' }).then(() => 'sent', (e) => e.message),
        await ctx.services.internal.get('/titles').then(() => 'sent', (e) => e.message),
      ] });`,
      services,
    );

    expect(body).toEqual([
      'catalog does not allow POST (allowed: GET, HEAD)',
      'internal is at 127.0.0.1, an internal address: refused unless the service is configured with allowPrivateNetwork',
    ]);
  });
});
