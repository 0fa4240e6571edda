import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendCallError } from './backend-call.error';
import { HttpBackendServices } from './http-backend-services.adapter';

interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', contentType: request.headers['content-type'], body });
      if (request.url?.startsWith('/api/hang')) return; // never answers
      if (request.url?.startsWith('/api/text')) {
        response.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
        return;
      }
      if (request.url?.startsWith('/api/missing')) {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no such movie' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ echoed: body === '' ? null : JSON.parse(body) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('HttpBackendServices', () => {
  it('sends JSON to the service\'s base URL with the query and parses the JSON answer', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl } });

    const result = await services.call({ service: 'catalog', method: 'post', path: '/movies/42', query: { lang: 'en', q: 'a b' }, body: { rating: 5 } });

    expect(result).toEqual({ status: 200, body: { echoed: { rating: 5 } } });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/api/movies/42?lang=en&q=a+b', contentType: 'application/json', body: '{"rating":5}' });
    expect(services.names()).toEqual(['catalog']);
  });

  it('hands back error statuses and non-JSON bodies as results', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl: `${baseUrl}/` } });

    expect(await services.call({ service: 'catalog', method: 'GET', path: 'missing/1' })).toEqual({ status: 404, body: { error: 'no such movie' } });
    expect(await services.call({ service: 'catalog', method: 'GET', path: '/text' })).toEqual({ status: 200, body: 'plain words' });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/text', contentType: undefined, body: '' });
  });

  it('refuses an unknown service and paths that leave the service', async () => {
    const services = new HttpBackendServices({ catalog: { baseUrl } });

    await expect(services.call({ service: 'billing', method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'backend-unknown-service' });
    await expect(services.call({ service: 'catalog', method: 'GET', path: '/../admin' })).rejects.toMatchObject({ code: 'backend-bad-path' });
    await expect(services.call({ service: 'catalog', method: 'GET', path: 'http://elsewhere.example/' })).rejects.toMatchObject({ code: 'backend-bad-path' });
  });

  it('gives up after the service\'s timeout', async () => {
    const services = new HttpBackendServices({ slow: { baseUrl, timeoutMs: 50 } });

    const failure = services.call({ service: 'slow', method: 'GET', path: '/hang' });

    await expect(failure).rejects.toBeInstanceOf(BackendCallError);
    await expect(failure).rejects.toMatchObject({ code: 'backend-timeout', retriable: true, message: 'slow did not answer within 50 ms' });
  });
});
