/** `npm run migrate`: create the keyspace and apply pending migrations, then exit. */
import { loadPlatformConfig } from '@dsp/config';
import { openCassandraStorage } from '../store.module';

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  if (config.mode !== 'distributed') {
    console.error('migrate: set DSP_CASSANDRA_CONTACT_POINTS and DSP_KAFKA_BROKERS (embedded mode has no migrations)');
    process.exit(1);
  }
  const storage = await openCassandraStorage(config.cassandra);
  console.log(`migrations applied to keyspace ${config.cassandra.keyspace}`);
  await storage.close();
}

main().catch((error: unknown) => {
  console.error(`migrate: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
