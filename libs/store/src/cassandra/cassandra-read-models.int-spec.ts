/** The read-model contracts against a real Cassandra, in a keyspace of their own (dropped afterwards). */
import { describeProjectionCheckpointsContract } from '../projection-checkpoints.contract';
import { describeRegistryReadModelContract } from '../registry-read-model.contract';
import { describeVcsReadModelContract } from '../vcs-read-model.contract';
import { cassandraStorageForSpec } from './cassandra-storage-test.util';

const opened = cassandraStorageForSpec();

describeVcsReadModelContract('cassandra', () => opened().vcs);
describeRegistryReadModelContract('cassandra', () => opened().registry);
describeProjectionCheckpointsContract('cassandra', () => opened().checkpoints);
