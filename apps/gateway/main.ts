/**
 * `npm run start:gateway`: one API node against Kafka and Cassandra. A supervisor process keeps
 * DSP_GATEWAY_WORKERS worker processes (default 2) serving the same port; each worker follows the
 * registry on its own. Workers send the supervisor a heartbeat; one silent for longer than
 * DSP_GATEWAY_STALL_LIMIT_MS (default 5000; 'off' or '0' turns the watchdog off) is killed and
 * replaced.
 */
import cluster from 'node:cluster';
import { loadPlatformConfig } from '@dsp/config';
import { openEventLog } from '@dsp/event-log';
import { HttpBackendServices } from '@dsp/runtime';
import { openStorage } from '@dsp/store';
import { GatewayNode } from './src/gateway.node';
import { DEFAULT_STALL_LIMIT_MS, HEARTBEAT_INTERVAL_MS, sendHeartbeats, superviseWorkers } from './src/supervisor';

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

/**
 * DSP_GATEWAY_STALL_LIMIT_MS: how long a worker may go without a heartbeat before it is killed.
 * At least two heartbeat intervals, so a GC pause or a busy moment never passes for a stall.
 */
function stallLimitMs(value = process.env.DSP_GATEWAY_STALL_LIMIT_MS): number | false {
  if (value === undefined || value === '') return DEFAULT_STALL_LIMIT_MS;
  if (value === 'off' || value === '0') return false;
  const limit = Number(value);
  const minimum = 2 * HEARTBEAT_INTERVAL_MS;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(limit) || limit < minimum) {
    throw new Error(`DSP_GATEWAY_STALL_LIMIT_MS must be a whole number of milliseconds of at least ${minimum}, or 'off' for no stall watchdog, got '${value}'`);
  }
  return limit;
}

function supervisor(): void {
  const workers = Number(process.env.DSP_GATEWAY_WORKERS ?? 2);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`DSP_GATEWAY_WORKERS must be a positive integer, got '${process.env.DSP_GATEWAY_WORKERS}'`);
  const stallLimit = stallLimitMs();
  const supervised = superviseWorkers({ workers, log, maxRestartsPerMinute: 30, stallLimitMs: stallLimit });
  log(`supervising ${workers} worker(s); ${stallLimit === false ? 'stall watchdog off' : `a worker silent for ${stallLimit} ms is replaced`}`);
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
  // As early as possible: until its first heartbeat a worker only has the (longer) start grace.
  if (cluster.isWorker) sendHeartbeats(HEARTBEAT_INTERVAL_MS);
  worker().catch((error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
}
