/**
 * The EventLog contract against a real Kafka. A random namespace (prefix of every topic and group
 * name) keeps this file's topics, including the relay's fixed repository-events topic, apart from
 * every other run; its topics and consumer groups are deleted afterwards.
 */
import { Kafka, logLevel } from 'kafkajs';
import { afterAll } from 'vitest';
import { kafkaBrokers, randomName } from '@dsp/testing';
import { describeEventLogContract } from './event-log.contract';
import { KafkaEventLog } from './kafka-event-log';

const namespace = `${randomName('dsp_test')}.`;
let log: KafkaEventLog | null = null;

afterAll(async () => {
  await log?.close();
  const admin = new Kafka({ clientId: 'dsp-test-cleanup', brokers: kafkaBrokers(), logLevel: logLevel.ERROR }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(namespace));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(namespace));
    if (groups.length > 0) await admin.deleteGroups(groups);
  } finally {
    await admin.disconnect();
  }
});

describeEventLogContract(
  'kafka',
  () => {
    log = new KafkaEventLog({ brokers: kafkaBrokers(), clientId: randomName('dsp_test'), partitions: 3, replicationFactor: 1, namespace });
    return log;
  },
  { deliveryTimeoutMs: 30_000 },
);
