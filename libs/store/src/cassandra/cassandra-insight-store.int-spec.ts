/** The InsightStore contract against a real Cassandra, in a keyspace of its own (dropped afterwards). */
import { afterAll, beforeAll } from 'vitest';
import { cassandraContactPoints, randomName } from '@dsp/testing';
import { describeInsightStoreContract } from '../insight-store.contract';
import { openCassandraStorage } from '../store.module';
import { CassandraInsightStore } from './cassandra-insight-store';

const keyspace = randomName('dsp_test');
let storage: Awaited<ReturnType<typeof openCassandraStorage>> | null = null;

beforeAll(async () => {
  storage = await openCassandraStorage({
    contactPoints: cassandraContactPoints(),
    localDataCenter: 'datacenter1',
    keyspace,
    replication: { class: 'SimpleStrategy', replication_factor: 1 },
    consistency: 'localQuorum',
  });
});

afterAll(async () => {
  if (!storage) return;
  await storage.client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  await storage.close();
});

describeInsightStoreContract('cassandra', (ttlSeconds) => {
  if (!storage) throw new Error('cassandra storage did not open');
  return ttlSeconds === undefined ? storage.insight : new CassandraInsightStore(storage.client, ttlSeconds);
});
