/** Connects to Cassandra, creates the keyspace with the configured replication and applies migrations. */
import { Client, types } from 'cassandra-driver';
import type { PlatformConfig } from '@dsp/config';
import { applyMigrations } from './migration-runner';

export type CassandraConfig = PlatformConfig['cassandra'];

export async function openCassandra(config: CassandraConfig, migrationsDir: string): Promise<Client> {
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(config.keyspace)) throw new Error(`invalid keyspace name '${config.keyspace}'`);
  const consistency = types.consistencies[config.consistency as keyof typeof types.consistencies];
  if (consistency === undefined) throw new Error(`unknown Cassandra consistency '${config.consistency}'`);
  const bootstrap = new Client({ contactPoints: config.contactPoints, localDataCenter: config.localDataCenter });
  try {
    await bootstrap.connect();
    const replication = JSON.stringify(config.replication).replace(/"/g, "'");
    await bootstrap.execute(`CREATE KEYSPACE IF NOT EXISTS ${config.keyspace} WITH replication = ${replication}`);
  } finally {
    await bootstrap.shutdown();
  }
  const client = new Client({
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    keyspace: config.keyspace,
    queryOptions: { consistency, prepare: true },
  });
  await client.connect();
  await applyMigrations(client, migrationsDir);
  return client;
}
