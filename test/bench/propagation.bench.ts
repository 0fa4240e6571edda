/**
 * `npm run bench:propagation`: time from "commit acknowledged" (201 from the control API) to
 * "served by every gateway" (X-DSP-Commit equals the new commit on ALL of them), over N commits,
 * with control, projector and G gateways (DSP_GATEWAY_WORKERS=1 each) as separate processes on real
 * Kafka and Cassandra. Next to it, in the same run and interleaved with the commits (one sample
 * after each), Kafka's own produce-to-consume latency on this machine, so the figure reads as a ratio.
 *
 * Two stages: a bystander consumer of the registry topic sees the registry change (ack -> change on
 * Kafka: projector), and the gateways serve it (change -> served by all: gateways).
 *
 * Aim (issue): p99 < 250 ms.
 *
 * --breakdown adds a bystander in this process that repeats a gateway's steps for every registry
 * change and times them (gateway/shadow-gateway.ts); it loads the machine a little more.
 *
 * Usage: tsx test/infra/with-infra.ts tsx test/bench/propagation.bench.ts [--commits 100] [--gateways 3] [--poll-ms 5] [--breakdown]
 */
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { AppProcess, distributedEnvironment, freePort, waitForHttp } from '../e2e/support/platform-processes';
import { ControlApi } from '../e2e/support/control-api';
import type { ShadowGateway } from './gateway/shadow-gateway';
import { fixed, median, quantile, sleep } from './support/bench-stats';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '100' },
    gateways: { type: 'string', default: '3' },
    'poll-ms': { type: 'string', default: '5' },
    breakdown: { type: 'boolean', default: false },
  },
});
const COMMITS = Number(values.commits);
const GATEWAYS = Number(values.gateways);
const POLL_MS = Number(values['poll-ms']);
const BREAKDOWN = values.breakdown === true;
const TARGET_P99_MS = 250;

function summary(samples: number[]): string {
  const worst = samples.length > 0 ? Math.max(...samples) : NaN;
  return `median ${fixed(median(samples))} ms, p99 ${fixed(quantile(samples, 0.99))} ms, worst ${fixed(worst)} ms (n=${samples.length})`;
}

/** Kafka's own produce -> consume time on a fresh one-partition topic, one sample at a time. */
class KafkaRoundTrip {
  private readonly kafka: Kafka;
  private readonly topic = `bench-rtt-${Date.now()}`;
  private producer: Producer | null = null;
  private consumer: Consumer | null = null;
  private readonly waiting = new Map<string, (t: number) => void>();
  private next = 0;

  constructor(brokers: string[]) {
    this.kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.WARN });
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: this.topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    // The same settings as the platform's producer and consumers (KafkaEventLog).
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = this.kafka.consumer({ groupId: `${this.topic}-g`, maxWaitTimeInMs: 100 });
    this.producer = producer;
    this.consumer = consumer;
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachMessage: async ({ message }) => this.waiting.get(message.value?.toString() ?? '')?.(performance.now()) });
    await joined;
    await this.sample(); // the first one pays for metadata and connections
  }

  async sample(): Promise<number> {
    if (!this.producer) throw new Error('KafkaRoundTrip not started');
    const id = `m${this.next++}`;
    const received = new Promise<number>((resolve) => this.waiting.set(id, resolve));
    const sent = performance.now();
    await this.producer.send({ topic: this.topic, acks: -1, messages: [{ key: 'k', value: id }] });
    const at = await received;
    this.waiting.delete(id);
    return at - sent;
  }

  async stop(): Promise<void> {
    await Promise.all([this.producer?.disconnect(), this.consumer?.disconnect()]);
  }
}

/** Every platform process started, stopped on the way out (also on SIGINT / SIGTERM). */
const processes: AppProcess[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping the platform processes`);
    void Promise.all(processes.map((p) => p.stop())).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

async function main(): Promise<void> {
  const { env: baseEnv, token } = distributedEnvironment();
  const env: NodeJS.ProcessEnv = { ...baseEnv, DSP_GATEWAY_WORKERS: '1' };
  console.log(
    `# bench:propagation  (${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}): ${COMMITS} commits, ${GATEWAYS} gateways (DSP_GATEWAY_WORKERS=1 each), gateways polled every ${POLL_MS} ms`,
  );
  const controlPort = await freePort();
  const control = new AppProcess('control', { ...env, DSP_CONTROL_PORT: String(controlPort) }).start();
  processes.push(control);
  let watcher: Consumer | null = null;
  let kafkaRtt: KafkaRoundTrip | null = null;
  let shadow: ShadowGateway | null = null;
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
    if (BREAKDOWN) shadow = await (await import('./gateway/shadow-gateway')).ShadowGateway.open(env); // loads dist/ and isolated-vm: only when asked
    const brokers = (env.DSP_KAFKA_BROKERS ?? '').split(',');
    // A bystander consumer of the registry topic splits the pipeline into two stages.
    const registrySeen = new Map<string, number>();
    const kafka = new Kafka({ clientId: 'bench-watch', brokers, logLevel: logLevel.WARN });
    const registryWatcher = kafka.consumer({ groupId: `bench-watch-${Date.now()}`, maxWaitTimeInMs: 100 });
    watcher = registryWatcher;
    await registryWatcher.connect();
    await registryWatcher.subscribe({ topic: `${env.DSP_KAFKA_NAMESPACE ?? ''}dsp.registry-changes.v1`, fromBeginning: true }).catch(() => undefined);
    const watching = new Promise<void>((resolve) => registryWatcher.on(registryWatcher.events.GROUP_JOIN, () => resolve()));
    await registryWatcher.run({
      eachMessage: async ({ message }) => {
        const change = JSON.parse(message.value?.toString() ?? '{}') as { repository: string; commit: string };
        registrySeen.set(change.commit, performance.now());
        shadow?.onChange(change.repository, change.commit);
      },
    });
    await watching;
    kafkaRtt = new KafkaRoundTrip(brokers);
    await kafkaRtt.start();

    await api.request('POST', '/v1/repos', { name: 'bench' });
    const manifest = JSON.stringify({ endpoints: [{ method: 'GET', path: '/bench/v', script: 'v.js' }] });
    let parent: string | null = null;
    const allServed: number[] = [];
    const firstServed: number[] = [];
    const stageOne: number[] = [];
    const stageTwo: number[] = [];
    const commitRequests: number[] = [];
    const roundTrips: number[] = [];
    for (let i = 0; i <= COMMITS; i++) {
      const changes = [{ path: 'v.js', content: `export default async () => ({ status: 200, body: { v: ${i} } });\n` }];
      if (i === 0) changes.push({ path: 'dsp.json', content: manifest });
      const requested = performance.now();
      const response = await api.commit('bench', parent, `v${i}`, changes);
      if (response.status !== 201) throw new Error(`commit failed: ${response.text}`);
      const acknowledged = performance.now();
      const commit = response.body.commit;
      parent = commit;
      const servedAt = new Map<string, number>();
      while (servedAt.size < gateways.length) {
        await Promise.all(
          gateways
            .filter((url) => !servedAt.has(url))
            .map(async (url) => {
              const served = await fetch(`${url}/bench/v`)
                .then(async (r) => {
                  await r.arrayBuffer();
                  return r.headers.get('x-dsp-commit');
                })
                .catch(() => null);
              if (served === commit) servedAt.set(url, performance.now());
            }),
        );
        if (performance.now() - acknowledged > 30_000) throw new Error(`commit ${commit} not served by every gateway within 30 s`);
        if (servedAt.size < gateways.length) await sleep(POLL_MS);
      }
      await shadow?.settled(commit);
      if (i === 0) continue; // the first commit warms up topics, groups and isolates
      const times = [...servedAt.values()];
      const all = Math.max(...times);
      allServed.push(all - acknowledged);
      firstServed.push(Math.min(...times) - acknowledged);
      commitRequests.push(acknowledged - requested);
      const seen = registrySeen.get(commit);
      if (seen !== undefined) {
        stageOne.push(seen - acknowledged);
        stageTwo.push(all - seen);
      }
      roundTrips.push(await kafkaRtt.sample());
    }
    const p99 = quantile(allServed, 0.99);
    console.log(`commit acknowledged -> served by all ${GATEWAYS} gateways:     ${summary(allServed)}`);
    console.log(`  stage 1: ack -> registry change on Kafka (projector): ${summary(stageOne)}`);
    console.log(`  stage 2: registry change -> served by all (gateways): ${summary(stageTwo)}`);
    console.log(`  ack -> served by the first gateway:                   ${summary(firstServed)}`);
    if (shadow) console.log(`  stage 2, a gateway's steps (repeated by a bystander in the bench process, same Cassandra, same time):\n${shadow.summary()}`);
    console.log(`commit request (POST -> 201, not included above):     ${summary(commitRequests)}`);
    console.log(`kafka produce -> consume (same run, one after each commit, same broker): ${summary(roundTrips)}`);
    console.log(
      `served by all / one Kafka hop, medians: ${fixed(median(allServed) / median(roundTrips))}x (the pipeline has two Kafka hops: repository event -> projector, registry change -> gateways)`,
    );
    console.log(`target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'PASS' : 'FAIL'} (p99 ${fixed(p99)} ms)`);
  } finally {
    await watcher?.disconnect().catch(() => undefined);
    await kafkaRtt?.stop().catch(() => undefined);
    await shadow?.close().catch(() => undefined);
    await Promise.all(processes.map((p) => p.stop()));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
