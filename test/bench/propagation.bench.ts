/**
 * `npm run bench:propagation`: time from "commit acknowledged" (201 from the control API) to
 * "served by every gateway" (X-DSP-Commit equals the new commit), over N commits, with control,
 * projector and G gateways as separate processes on real Kafka and Cassandra. Next to it, in the
 * same run, Kafka's own produce-to-consume latency on this machine, so the figure reads as a ratio.
 *
 * Usage: tsx test/infra/with-infra.ts tsx test/bench/propagation.bench.ts [--commits 20] [--gateways 2]
 */
import { Kafka, logLevel } from 'kafkajs';
import { parseArgs } from 'node:util';
import { AppProcess, distributedEnvironment, freePort, waitForHttp } from '../e2e/support/platform-processes';
import { ControlApi } from '../e2e/support/control-api';

const { values } = parseArgs({ options: { commits: { type: 'string', default: '20' }, gateways: { type: 'string', default: '2' } } });
const COMMITS = Number(values.commits);
const GATEWAYS = Number(values.gateways);

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return `median ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, worst ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} ms (n=${sorted.length})`;
}

async function kafkaRoundTrip(brokers: string[], n: number): Promise<number[]> {
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.WARN });
  const topic = `bench-rtt-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${topic}-g`, maxWaitTimeInMs: 100 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: true });
  const waiting = new Map<string, (t: number) => void>();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async ({ message }) => waiting.get(message.value?.toString() ?? '')?.(performance.now()) });
  await joined;
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = `m${i}`;
    const received = new Promise<number>((resolve) => waiting.set(id, resolve));
    const sent = performance.now();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: id }] });
    samples.push((await received) - sent);
  }
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return samples;
}

async function main(): Promise<void> {
  const { env, token } = distributedEnvironment();
  const controlPort = await freePort();
  const control = new AppProcess('control', { ...env, DSP_CONTROL_PORT: String(controlPort) }).start();
  const processes: AppProcess[] = [control];
  try {
    await waitForHttp(`http://127.0.0.1:${controlPort}/healthz`, control);
    processes.push(new AppProcess('projector', { ...env, DSP_PROJECTOR_PORT: String(await freePort()) }).start());
    const gateways: string[] = [];
    for (let i = 0; i < GATEWAYS; i++) {
      const port = await freePort();
      const gateway = new AppProcess('gateway', { ...env, DSP_GATEWAY_PORT: String(port) }).start();
      processes.push(gateway);
      gateways.push(`http://127.0.0.1:${port}`);
      await waitForHttp(`http://127.0.0.1:${port}/_dsp/health`, gateway);
    }
    const api = new ControlApi(`http://127.0.0.1:${controlPort}`, token);
    // A bystander consumer of the registry topic splits the pipeline into two stages.
    const registrySeen = new Map<string, number>();
    const kafka = new Kafka({ clientId: 'bench-watch', brokers: (env.DSP_KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.WARN });
    const watcher = kafka.consumer({ groupId: `bench-watch-${Date.now()}`, maxWaitTimeInMs: 100 });
    await watcher.connect();
    await watcher.subscribe({ topic: `${env.DSP_KAFKA_NAMESPACE ?? ''}dsp.registry-changes.v1`, fromBeginning: true }).catch(() => undefined);
    const watching = new Promise<void>((resolve) => watcher.on(watcher.events.GROUP_JOIN, () => resolve()));
    await watcher.run({ eachMessage: async ({ message }) => void registrySeen.set((JSON.parse(message.value?.toString() ?? '{}') as { commit: string }).commit, performance.now()) });
    await watching;
    const stageOne: number[] = [];
    await api.request('POST', '/v1/repos', { name: 'bench' });
    const manifest = JSON.stringify({ endpoints: [{ method: 'GET', path: '/bench/v', script: 'v.js' }] });
    let parent: string | null = null;
    const samples: number[] = [];
    for (let i = 0; i <= COMMITS; i++) {
      const changes = [{ path: 'v.js', content: `export default async () => ({ status: 200, body: { v: ${i} } });\n` }];
      if (i === 0) changes.push({ path: 'dsp.json', content: manifest });
      const response = await api.commit('bench', parent, `v${i}`, changes);
      if (response.status !== 201) throw new Error(`commit failed: ${response.text}`);
      const acknowledged = performance.now();
      parent = response.body.commit;
      const pending = new Set(gateways);
      while (pending.size > 0) {
        for (const url of [...pending]) {
          const served = await fetch(`${url}/bench/v`).then((r) => r.headers.get('x-dsp-commit')).catch(() => null);
          if (served === parent) pending.delete(url);
        }
        if (performance.now() - acknowledged > 30_000) throw new Error(`commit ${parent} not served within 30 s`);
      }
      if (i > 0) {
        samples.push(performance.now() - acknowledged); // i = 0 warms up topics and groups
        const seen = registrySeen.get(parent);
        if (seen !== undefined) stageOne.push(seen - acknowledged);
      }
    }
    await watcher.disconnect();
    const roundTrips = await kafkaRoundTrip((env.DSP_KAFKA_BROKERS ?? '').split(','), COMMITS);
    console.log(`commit acknowledged -> served by all ${GATEWAYS} gateways: ${summary(samples)}`);
    console.log(`  of which ack -> registry change on Kafka:        ${summary(stageOne)}`);
    console.log(`kafka produce -> consume (same run, same broker):  ${summary(roundTrips)}`);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
