/** `npm run start:control`: the management API against Kafka and Cassandra. */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadPlatformConfig } from '@dsp/config';
import { openEventLog } from '@dsp/event-log';
import { Topics } from '@dsp/contracts';
import { openStorage } from '@dsp/store';
import { createControlApp } from './src/control.app';

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  if (config.mode !== 'distributed') throw new Error('start:control runs against Kafka and Cassandra: set DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS (or use npm start)');
  if (!config.adminToken) throw new Error('set DSP_ADMIN_TOKEN: the bearer token of the bootstrap admin');
  const engines = await openStorage(config);
  const log = openEventLog(config);
  await log.ensureTopics([{ topic: Topics.repositoryEvents }, { topic: Topics.registryChanges, compacted: true }]);
  const app = await createControlApp({ engines, log, adminToken: config.adminToken });
  await app.listen(config.controlPort, config.host);
  Logger.log(`management API on http://${config.host}:${config.controlPort}/v1`, 'control');
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'control');
  process.exit(1);
});
