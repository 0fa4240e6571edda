/** The InsightStore contract against a real Cassandra, in a keyspace of its own (dropped afterwards). */
import { describeInsightStoreContract } from '../insight-store.contract';
import { CassandraInsightStore } from './cassandra-insight-store';
import { cassandraStorageForSpec } from './cassandra-storage-test.util';

const storage = cassandraStorageForSpec();

describeInsightStoreContract('cassandra', (ttlSeconds) => (ttlSeconds === undefined ? storage().insight : new CassandraInsightStore(storage().client, ttlSeconds)));
