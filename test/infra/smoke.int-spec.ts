/**
 * Proves the test infrastructure and the Node clients work together: kafkajs 2.2.4 against the
 * Kafka 4.x broker (topics, idempotent produce, consumer groups, committed offsets) and
 * cassandra-driver against Cassandra 5.0 (DDL, lightweight transactions).
 * Needs DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS: run it through test/infra/with-infra.ts.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function requiredEnv(name: string): string[] {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run through \`tsx test/infra/with-infra.ts\`, or \`npm run infra:up\` and export it`);
  }
  return value.split(',');
}

// Random names: test files share the servers and must never see each other's data.
function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

async function pollUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

interface KeyedRecord {
  key: string;
  value: string;
}

/** Reads `count` records from the start of `topic` in consumer group `groupId`, then commits. */
async function consumeAndCommit(kafka: Kafka, topic: string, groupId: string, count: number): Promise<KeyedRecord[]> {
  // disconnect() waits for the in-flight fetch long-poll (5 s by default): keep it short.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  const received: KeyedRecord[] = [];
  let nextOffset = '0';
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        received.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
        nextOffset = String(Number(message.offset) + 1);
      },
    });
    await pollUntil(() => received.length >= count, 30_000, `${count} records on ${topic}`);
    // A committed offset names the next record to read, not the last one read.
    await consumer.commitOffsets([{ topic, partition: 0, offset: nextOffset }]);
  } finally {
    await consumer.disconnect();
  }
  return received;
}

describe('kafka: kafkajs against the test broker', () => {
  const kafka = new Kafka({ clientId: 'dsp-smoke', brokers: requiredEnv('DSP_KAFKA_BROKERS'), logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  const topic = uniqueName('smoke');
  const groupId = uniqueName('smoke-group');

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates a topic, produces idempotently, consumes in a group and commits offsets', async () => {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);

    const sent: KeyedRecord[] = [
      { key: 'repository-1', value: 'commit-a' },
      { key: 'repository-2', value: 'commit-b' },
      { key: 'repository-1', value: 'commit-c' },
    ];
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const metadata = await producer.send({ topic, acks: -1, messages: sent });
      expect(metadata).toMatchObject([{ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' }]);
    } finally {
      await producer.disconnect();
    }

    expect(await consumeAndCommit(kafka, topic, groupId, sent.length)).toEqual(sent);

    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed).toMatchObject([{ topic, partitions: [{ partition: 0, offset: '3' }] }]);
  });
});

describe('cassandra: cassandra-driver against the test node', () => {
  const client = new Client({ contactPoints: requiredEnv('DSP_CASSANDRA_CONTACT_POINTS'), localDataCenter: 'datacenter1' });
  const keyspace = uniqueName('smoke');

  beforeAll(() => client.connect());
  afterAll(() => client.shutdown());

  it('creates a keyspace, applies an INSERT IF NOT EXISTS once, and drops the keyspace', async () => {
    await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    try {
      await client.execute(`CREATE TABLE ${keyspace}.refs (repository text, name text, commit_id text, PRIMARY KEY (repository, name))`);
      const insert = `INSERT INTO ${keyspace}.refs (repository, name, commit_id) VALUES (?, ?, ?) IF NOT EXISTS`;

      const first = await client.execute(insert, ['demo', 'main', 'c1'], { prepare: true });
      expect(first.wasApplied()).toBe(true);

      const second = await client.execute(insert, ['demo', 'main', 'c2'], { prepare: true });
      expect(second.wasApplied()).toBe(false);
      // A rejected conditional insert returns the row that won.
      expect(second.first().get('commit_id')).toBe('c1');

      const stored = await client.execute(`SELECT commit_id FROM ${keyspace}.refs WHERE repository = ? AND name = ?`, ['demo', 'main'], {
        prepare: true,
      });
      expect(stored.rows.map((row) => row.get('commit_id'))).toEqual(['c1']);
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    }

    const left = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], { prepare: true });
    expect(left.rowLength).toBe(0);
  });
});
