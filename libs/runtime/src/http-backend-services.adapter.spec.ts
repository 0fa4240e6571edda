import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendCallError } from './backend-call.error';
import { type HostResolver, HttpBackendServices } from './http-backend-services.adapter';

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let port: number;
let baseUrl: string;
const seen: Seen[] = [];
/** A second server that only counts the requests reaching it: where a redirect points. */
let elsewhere: Server;
let elsewhereUrl: string;
let elsewhereHits = 0;

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

async function listen(target: Server): Promise<number> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  return (target.address() as AddressInfo).port;
}

async function close(target: Server): Promise<void> {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
}

beforeAll(async () => {
  elsewhere = createServer((request, response) => {
    elsewhereHits += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"secret":true}');
  });
  elsewhereUrl = `http://127.0.0.1:${await listen(elsewhere)}/secret`;
  server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', contentType: request.headers['content-type'], body });
      const path = request.url ?? '';
      if (path.startsWith('/api/hang')) return; // never answers
      if (path.startsWith('/api/text')) {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
      } else if (path.startsWith('/api/missing')) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no such movie' }));
      } else if (path.startsWith('/api/redirect')) {
        response.writeHead(302, { location: elsewhereUrl, 'content-type': 'text/plain' }).end('moved');
      } else if (path.startsWith('/api/bytes/')) {
        // /api/bytes/<n>[?declared]: n bytes, chunked unless the length is declared up front
        const size = Number(path.slice('/api/bytes/'.length).split('?')[0]);
        const declared = path.includes('declared');
        response.writeHead(200, declared ? { 'content-type': 'text/plain', 'content-length': size } : { 'content-type': 'text/plain' });
        for (let sent = 0; sent < size; sent += 100) response.write('x'.repeat(Math.min(100, size - sent)));
        response.end();
      } else {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ echoed: body === '' ? null : JSON.parse(body) }));
      }
    });
  });
  port = await listen(server);
  baseUrl = `http://127.0.0.1:${port}/api`;
});

afterAll(async () => {
  await close(server);
  await close(elsewhere);
});

/** DNS as a test wants it: every name resolves to the given addresses. */
const resolvingTo =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('HttpBackendServices', () => {
  it('sends JSON to the service\'s base URL with the query and parses the JSON answer', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl, methods: ['GET', 'POST'], allowPrivateNetwork: true } });

    const result = await services.call({ service: 'catalog', method: 'post', path: '/movies/42', query: { lang: 'en', q: 'a b' }, body: { rating: 5 } });

    expect(result).toEqual({ status: 200, body: { echoed: { rating: 5 } } });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/api/movies/42?lang=en&q=a+b', contentType: 'application/json', body: '{"rating":5}' });
    expect(services.names()).toEqual(['catalog']);
  });

  it('hands back error statuses and non-JSON bodies as results', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl: `${baseUrl}/`, allowPrivateNetwork: true } });

    expect(await services.call({ service: 'catalog', method: 'GET', path: 'missing/1' })).toEqual({ status: 404, body: { error: 'no such movie' } });
    expect(await services.call({ service: 'catalog', method: 'GET', path: '/text' })).toEqual({ status: 200, body: 'plain words' });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/text', contentType: undefined, body: '' });
    expect(await services.call({ service: 'catalog', method: 'HEAD', path: '/text' })).toEqual({ status: 200, body: null });
  });

  it('refuses an unknown service and paths that leave the service', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl, allowPrivateNetwork: true } });

    await expect(services.call({ service: 'billing', method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'backend-unknown-service' });
    await expect(services.call({ service: 'catalog', method: 'GET', path: '/../admin' })).rejects.toMatchObject({ code: 'backend-bad-path' });
    await expect(services.call({ service: 'catalog', method: 'GET', path: 'http://elsewhere.example/' })).rejects.toMatchObject({ code: 'backend-bad-path' });
  });

  it('refuses a body that is not JSON before anything is sent', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl, methods: ['POST'], allowPrivateNetwork: true } });
    const before = seen.length;

    await expect(services.call({ service: 'catalog', method: 'POST', path: '/x', body: { n: 1n } })).rejects.toMatchObject({ code: 'backend-bad-body', retriable: false });
    expect(seen.length).toBe(before);
  });

  describe('methods', () => {
    it('allows GET and HEAD by default and refuses any other method without sending it', async () => {
      const services = new HttpBackendServices({ catalog: { baseUrl, allowPrivateNetwork: true } });
      const before = seen.length;

      for (const method of ['POST', 'put', 'DELETE', 'CONNECT', 'GET /admin HTTP/1.1\r\nX: y']) {
        await expect(services.call({ service: 'catalog', method, path: '/movies/1', body: {} })).rejects.toMatchObject({ code: 'backend-method-not-allowed', retriable: false });
      }
      expect(seen.length).toBe(before);
      await expect(services.call({ service: 'catalog', method: 'POST', path: '/movies/1' })).rejects.toThrow('catalog does not allow POST (allowed: GET, HEAD)');
      expect(await services.call({ service: 'catalog', method: 'get', path: '/movies/1' })).toMatchObject({ status: 200 });
    });

    it('allows exactly the methods configured for the service', async () => {
      const services = new HttpBackendServices({ catalog: { baseUrl, methods: ['POST'], allowPrivateNetwork: true } });

      expect(await services.call({ service: 'catalog', method: 'POST', path: '/movies/1', body: { a: 1 } })).toMatchObject({ status: 200 });
      await expect(services.call({ service: 'catalog', method: 'GET', path: '/movies/1' })).rejects.toThrow('catalog does not allow GET (allowed: POST)');
    });
  });

  describe('timeouts', () => {
    it('gives up after the service\'s own timeout', async () => {
      const services = new HttpBackendServices({ slow: { baseUrl, timeoutMs: 50, allowPrivateNetwork: true }, patient: { baseUrl, timeoutMs: 5000, allowPrivateNetwork: true } });

      const failure = services.call({ service: 'slow', method: 'GET', path: '/hang' });

      await expect(failure).rejects.toBeInstanceOf(BackendCallError);
      await expect(failure).rejects.toMatchObject({ code: 'backend-timeout', retriable: true, message: 'slow did not answer within 50 ms' });
      expect(await services.call({ service: 'patient', method: 'GET', path: '/movies/1' })).toMatchObject({ status: 200 });
    });

    it('lets a call shorten the service\'s timeout, never lengthen it', async () => {
      const services = new HttpBackendServices({ patient: { baseUrl, timeoutMs: 5000, allowPrivateNetwork: true }, slow: { baseUrl, timeoutMs: 50, allowPrivateNetwork: true } });

      await expect(services.call({ service: 'patient', method: 'GET', path: '/hang', timeoutMs: 40 })).rejects.toThrow('patient did not answer within 40 ms');
      await expect(services.call({ service: 'slow', method: 'GET', path: '/hang', timeoutMs: 60_000 })).rejects.toThrow('slow did not answer within 50 ms');
    });
  });

  describe('internal addresses', () => {
    it('refuses a service on loopback unless it may use the private network, before anything is sent', async () => {
      const before = seen.length;
      const refused = new HttpBackendServices({ catalog: { baseUrl } });

      const failure = refused.call({ service: 'catalog', method: 'GET', path: '/movies/1' });

      await expect(failure).rejects.toMatchObject({ code: 'backend-address-refused', retriable: false });
      await expect(failure).rejects.toThrow('catalog is at 127.0.0.1, an internal address: refused unless the service is configured with allowPrivateNetwork');
      expect(seen.length).toBe(before);
      const allowed = new HttpBackendServices({ catalog: { baseUrl, allowPrivateNetwork: true } });
      expect(await allowed.call({ service: 'catalog', method: 'GET', path: '/movies/1' })).toEqual({ status: 200, body: { echoed: null } });
    });

    it.each([
      ['0.0.0.0', 'http://0.0.0.0:1/'],
      ['::1', 'http://[::1]:1/'],
      ['::ffff:7f00:1', 'http://[::ffff:127.0.0.1]:1/'],
      ['127.0.0.1', 'http://0x7f.1:1/'],
      ['169.254.169.254', 'http://169.254.169.254/latest/meta-data/'],
      ['10.1.2.3', 'https://10.1.2.3/'],
    ])('refuses the IP literal %s (%s)', async (address, url) => {
      const services = new HttpBackendServices({ internal: { baseUrl: url } });

      await expect(services.call({ service: 'internal', method: 'GET', path: '/' })).rejects.toThrow(`internal is at ${address}, an internal address`);
    });

    it('refuses a host name that resolves to loopback (localhost)', async () => {
      const before = seen.length;
      const services = new HttpBackendServices({ catalog: { baseUrl: `http://localhost:${port}/api` } });

      await expect(services.call({ service: 'catalog', method: 'GET', path: '/movies/1' })).rejects.toThrow(/^catalog is at (127\.0\.0\.1|::1) \(localhost\), an internal address/);
      expect(seen.length).toBe(before);
    });

    it('checks the addresses the socket connects to, as resolved at connect time', async () => {
      const before = seen.length;
      const answers: string[][] = [['203.0.113.7', '127.0.0.1'], ['127.0.0.1']];
      let resolutions = 0;
      const rebinding: HostResolver = async () => (answers[resolutions++] ?? []).map((address) => ({ address, family: 4 }));
      const refused = new HttpBackendServices({ catalog: { baseUrl: `http://catalog.test:${port}/api` } }, { resolveHost: rebinding });

      // one internal address among public ones is enough to refuse, and every call resolves afresh
      await expect(refused.call({ service: 'catalog', method: 'GET', path: '/1' })).rejects.toThrow('catalog is at 127.0.0.1 (catalog.test), an internal address');
      await expect(refused.call({ service: 'catalog', method: 'GET', path: '/1' })).rejects.toMatchObject({ code: 'backend-address-refused' });
      expect(resolutions).toBe(2);
      expect(seen.length).toBe(before);
      // allowed, the connection goes to exactly the address the resolver answered
      const allowed = new HttpBackendServices({ catalog: { baseUrl: `http://catalog.test:${port}/api`, allowPrivateNetwork: true } }, { resolveHost: resolvingTo('127.0.0.1') });
      expect(await allowed.call({ service: 'catalog', method: 'GET', path: '/1' })).toEqual({ status: 200, body: { echoed: null } });
      expect(seen.at(-1)).toMatchObject({ url: '/api/1' });
    });

    it('does not follow a redirect: the 3xx is the result, and its target is never reached', async () => {
      const services = new HttpBackendServices({ catalog: { baseUrl, allowPrivateNetwork: true } });
      const hits = elsewhereHits;

      expect(await services.call({ service: 'catalog', method: 'GET', path: '/redirect' })).toEqual({ status: 302, body: 'moved' });
      expect(elsewhereHits).toBe(hits);
    });
  });

  describe('response size', () => {
    it('fails a call whose answer is larger than the service\'s maxResponseBytes, streamed or declared', async () => {
      const catalog = new HttpBackendServices({ catalog: { baseUrl, maxResponseBytes: 1000, allowPrivateNetwork: true } });

      for (const path of ['/bytes/5000', '/bytes/1001', '/bytes/5000?declared']) {
        const failure = catalog.call({ service: 'catalog', method: 'GET', path });
        await expect(failure).rejects.toMatchObject({ code: 'backend-response-too-large', retriable: false });
        await expect(failure).rejects.toThrow('catalog answered with more than 1000 bytes, the most this service may send (maxResponseBytes)');
      }
      expect(await catalog.call({ service: 'catalog', method: 'GET', path: '/bytes/1000' })).toEqual({ status: 200, body: 'x'.repeat(1000) });
    });

    it('allows 1 MiB by default', async () => {
      const catalog = new HttpBackendServices({ catalog: { baseUrl, allowPrivateNetwork: true } });

      expect(await catalog.call({ service: 'catalog', method: 'GET', path: `/bytes/${1024 * 1024}` })).toMatchObject({ status: 200 });
      await expect(catalog.call({ service: 'catalog', method: 'GET', path: `/bytes/${1024 * 1024 + 1}` })).rejects.toMatchObject({ code: 'backend-response-too-large' });
    });
  });

  it('refuses invalid settings when it is built, naming the service and the setting', () => {
    expect(() => new HttpBackendServices({ catalog: { baseUrl: 'ftp://catalog.internal/' } })).toThrow("service 'catalog': baseUrl 'ftp://catalog.internal/' must be http:// or https://");
    expect(() => new HttpBackendServices({ catalog: { baseUrl, timeoutMs: 0 } })).toThrow("service 'catalog': timeoutMs must be a positive integer, got 0");
  });
});
