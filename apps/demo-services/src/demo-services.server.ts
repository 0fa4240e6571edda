/**
 * The demo backend services a newcomer's scripts call: a tiny catalog, ratings and profiles API.
 * Real HTTP on loopback, so scripts exercise the same backend path as in production.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { BackendServiceSettings } from '@dsp/config';

const titles = [
  { id: '1', name: 'The Orbit', year: 2021, genre: 'sci-fi' },
  { id: '2', name: 'Quiet Harbour', year: 2019, genre: 'drama' },
  { id: '3', name: 'Night Shift', year: 2023, genre: 'thriller' },
];
const ratings: Record<string, { average: number; votes: number }> = {
  '1': { average: 4.4, votes: 1201 },
  '2': { average: 3.9, votes: 433 },
  '3': { average: 4.1, votes: 877 },
};
const profiles: Record<string, { id: string; name: string; maturity: string }> = {
  alice: { id: 'alice', name: 'Alice', maturity: 'adult' },
  kid: { id: 'kid', name: 'Kid', maturity: 'kids' },
};

export function createDemoServices(): FastifyInstance {
  const app = Fastify();
  app.get('/catalog/titles', async () => ({ titles }));
  app.get<{ Params: { id: string } }>('/catalog/titles/:id', async (request, reply) => {
    const title = titles.find((t) => t.id === request.params.id);
    return title ?? reply.status(404).send({ error: 'no such title' });
  });
  app.get<{ Params: { id: string } }>('/ratings/titles/:id', async (request, reply) => ratings[request.params.id] ?? reply.status(404).send({ error: 'no ratings' }));
  app.get<{ Params: { id: string } }>('/profiles/:id', async (request, reply) => profiles[request.params.id] ?? reply.status(404).send({ error: 'no such profile' }));
  return app;
}

/**
 * The services config that points scripts at these services. They listen on the platform's own host
 * (loopback by default), so they are allowed onto the private network explicitly.
 */
export function demoServicesConfig(baseUrl: string): Record<string, BackendServiceSettings> {
  const service = (path: string): BackendServiceSettings => ({ baseUrl: `${baseUrl}/${path}`, allowPrivateNetwork: true });
  return { catalog: service('catalog'), ratings: service('ratings'), profiles: service('profiles') };
}
