/**
 * `npm run start:gateway`: one API node against Kafka and Cassandra. A supervisor process keeps
 * DSP_GATEWAY_WORKERS worker processes (default 2) serving the same port; each worker follows the
 * registry on its own.
 */
import cluster from 'node:cluster';
import { loadPlatformConfig } from '@dsp/config';
import { openEventLog } from '@dsp/event-log';
import { HttpBackendServices } from '@dsp/runtime';
import { openStorage } from '@dsp/store';
import { GatewayNode } from './src/gateway.node';
import { superviseWorkers } from './src/supervisor';

const log = (message: string): void => console.error(`[gateway ${process.pid}] ${message}`);

async function worker(): Promise<void> {
  const config = loadPlatformConfig();
  if (config.mode !== 'distributed') throw new Error('start:gateway runs against Kafka and Cassandra: set DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS (or use npm start)');
  const engines = await openStorage(config);
  const eventLog = openEventLog(config);
  const node = new GatewayNode({ registry: engines.registry, vcs: engines.vcs, insightStore: engines.insight, artifacts: engines.artifacts, log: eventLog, services: new HttpBackendServices(config.services), logger: log });
  const address = await node.start(config.gatewayPort, config.host);
  console.log(`[gateway ${process.pid}] serving devices on ${address}`);
  const stop = async () => {
    await node.stop();
    await eventLog.close();
    await engines.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

function supervisor(): void {
  const workers = Number(process.env.DSP_GATEWAY_WORKERS ?? 2);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`DSP_GATEWAY_WORKERS must be a positive integer, got '${process.env.DSP_GATEWAY_WORKERS}'`);
  const supervised = superviseWorkers({ workers, log, maxRestartsPerMinute: 30 });
  log(`supervising ${workers} worker(s)`);
  const stop = async () => {
    await supervised.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

if (cluster.isPrimary && process.env.DSP_GATEWAY_WORKERS !== '0') {
  supervisor();
} else {
  worker().catch((error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
