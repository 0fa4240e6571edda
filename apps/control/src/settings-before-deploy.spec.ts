/** Kill switches and quotas set on a repository before its first deployment apply from that deployment on. */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageEngines } from '@dsp/store';
import { expectEventually } from '@dsp/testing';
import { startEmbeddedControlPlane } from './embedded-control-plane-test.util';

const token = 'spec-token';
const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

describe('settings before the first deployment', () => {
  let app: NestFastifyApplication;
  let engines: StorageEngines;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const plane = await startEmbeddedControlPlane(token);
    ({ app, engines } = plane);
    stop = plane.close;
  });
  afterAll(async () => stop());

  const send = async (method: 'POST' | 'PUT', url: string, body: unknown) => {
    const response = await app.inject({ method, url, headers: auth, payload: JSON.stringify(body) });
    expect(response.statusCode, response.body).toBeLessThan(300);
  };

  it('carries quotas and switches recorded before the first commit into the first registry entry', async () => {
    await send('POST', '/v1/repos', { name: 'early' });
    await send('PUT', '/v1/repos/early/quotas', { requestsPerSecond: 5 });
    await send('POST', '/v1/repos/early/switches', { route: 'GET /early/b', enabled: false, reason: 'not yet' });
    await send('POST', '/v1/repos/early/commits', {
      branch: 'main',
      parent: null,
      message: 'first',
      author: { name: 'Ada', email: 'ada@localhost' },
      changes: [
        { path: 'dsp.json', content: JSON.stringify({ endpoints: [{ method: 'GET', path: '/early/a', script: 'a.js' }, { method: 'GET', path: '/early/b', script: 'a.js' }] }) },
        { path: 'a.js', content: 'export default () => ({ status: 200, body: 1 });\n' },
      ],
    });

    await expectEventually(async () => {
      const entry = await engines.registry.get('early');
      expect(entry).toMatchObject({ quotas: { requestsPerSecond: 5 }, switchedOff: { repository: false, routes: ['GET /early/b'] } });
    }, { timeoutMs: 3000 });
  });
});
