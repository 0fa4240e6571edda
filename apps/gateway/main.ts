/** `npm run start:gateway`: one API node against Kafka and Cassandra. */
import { loadPlatformConfig } from '@dsp/config';
import { openEventLog } from '@dsp/event-log';
import { HttpBackendServices } from '@dsp/runtime';
import { openStorage } from '@dsp/store';
import { GatewayNode } from './src/gateway.node';

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  if (config.mode !== 'distributed') throw new Error('start:gateway runs against Kafka and Cassandra: set DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS (or use npm start)');
  const engines = await openStorage(config);
  const log = openEventLog(config);
  const node = new GatewayNode({
    registry: engines.registry,
    vcs: engines.vcs,
    log,
    services: new HttpBackendServices(config.services),
    logger: (message) => console.error(`[gateway] ${message}`),
  });
  const address = await node.start(config.gatewayPort, config.host);
  console.log(`[gateway] serving devices on ${address}`);
  const stop = async () => {
    await node.stop();
    await log.close();
    await engines.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[gateway] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
