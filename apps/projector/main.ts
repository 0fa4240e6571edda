/** `npm run start:projector`: projections from Kafka into Cassandra. */
import 'reflect-metadata';
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
    Logger.log(`replayed ${count} events`, 'projector');
    await app.close();
    process.exit(0);
  }
  await projector.start();
  Logger.log('projector consuming repository events', 'projector');
  const stop = async () => {
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
