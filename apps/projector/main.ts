/** `npm run start:projector`: projections from Kafka into Cassandra. */
import 'reflect-metadata';
import { createServer } from 'node:http';
import { Logger } from '@nestjs/common';
import { loadPlatformConfig } from '@dsp/config';
import { openEventLog } from '@dsp/event-log';
import { openStorage } from '@dsp/store';
import { createProjectorApp, ProjectorService } from './src/projector.app';

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  if (config.mode !== 'distributed') throw new Error('start:projector runs against Kafka and Cassandra: set DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS (or use npm start)');
  const app = await createProjectorApp({ engines: await openStorage(config), log: openEventLog(config) });
  const projector = app.get(ProjectorService);
  if (process.argv.includes('--replay')) {
    // Re-applies every recorded event to every projection, then exits (the guards make it a no-op
    // on an up-to-date projection; after a wipe it rebuilds).
    const count = await projector.replayAll();
    console.log(`replayed ${count} events`);
    await app.close();
    process.exit(0);
  }
  await projector.start();
  // Health and metrics for the orchestrator and Prometheus; the projector serves nothing else.
  const port = Number(process.env.DSP_PROJECTOR_PORT ?? 7072);
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      void projector.metrics.render().then((body) => response.writeHead(200, { 'Content-Type': projector.metrics.contentType }).end(body));
    } else if (request.url === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"ok"}');
    } else {
      response.writeHead(404).end();
    }
  });
  server.listen(port, config.host);
  Logger.log(`projector consuming repository events; health and metrics on http://${config.host}:${port}`, 'projector');
  const stop = async () => {
    server.close();
    await projector.stop();
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'projector');
  process.exit(1);
});
