/** The EventStore contract against a real Cassandra, in a keyspace of its own (dropped afterwards). */
import { afterAll, beforeAll } from 'vitest';
import { cassandraContactPoints, randomName } from '@dsp/testing';
import { describeEventStoreContract } from '../event-store.contract';
import { openCassandraStorage } from '../store.module';

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

describeEventStoreContract('cassandra', () => {
  if (!storage) throw new Error('cassandra storage did not open');
  return storage.eventStore;
});
