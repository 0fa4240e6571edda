import { afterAll, beforeAll } from 'vitest';
import { cassandraContactPoints, randomName } from '@dsp/testing';
import { openCassandraStorage } from '../store.module';

export type CassandraStorage = Awaited<ReturnType<typeof openCassandraStorage>>;

/**
 * Opens Cassandra storage for the spec file in a keyspace of its own (migrations applied) before its
 * tests, and drops the keyspace after them. Returns the opened storage's getter.
 */
export function cassandraStorageForSpec(): () => CassandraStorage {
  const keyspace = randomName('dsp_test');
  let storage: CassandraStorage | null = null;
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
  return () => {
    if (!storage) throw new Error('cassandra storage did not open');
    return storage;
  };
}
