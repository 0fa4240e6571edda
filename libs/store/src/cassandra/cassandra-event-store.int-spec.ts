/** The EventStore contract against a real Cassandra, in a keyspace of its own (dropped afterwards). */
import { describeEventStoreContract } from '../event-store.contract';
import { cassandraStorageForSpec } from './cassandra-storage-test.util';

const storage = cassandraStorageForSpec();

describeEventStoreContract('cassandra', () => storage().eventStore);
