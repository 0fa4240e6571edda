/** The read-model contracts against a real Cassandra, in a keyspace of their own (dropped afterwards). */
import { afterAll, beforeAll } from 'vitest';
import { cassandraContactPoints, randomName } from '@dsp/testing';
import { describeProjectionCheckpointsContract } from '../projection-checkpoints.contract';
import { describeRegistryReadModelContract } from '../registry-read-model.contract';
import { describeVcsReadModelContract } from '../vcs-read-model.contract';
import { openCassandraStorage, type StorageEngines } from '../store.module';

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

function opened(): StorageEngines {
  if (!storage) throw new Error('cassandra storage did not open');
  return storage;
}

describeVcsReadModelContract('cassandra', () => opened().vcs);
describeRegistryReadModelContract('cassandra', () => opened().registry);
describeProjectionCheckpointsContract('cassandra', () => opened().checkpoints);
