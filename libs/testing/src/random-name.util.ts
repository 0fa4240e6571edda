import { randomBytes } from 'node:crypto';

/**
 * A name no other test run uses: `<prefix>_<12 hex digits>`. Lowercase letters, digits and '_'
 * only, so the same name is valid as a Cassandra keyspace, a Kafka topic and a consumer group.
 */
export function randomName(prefix: string): string {
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(prefix)) {
    throw new Error(`randomName: prefix '${prefix}' must be 1-31 lowercase letters, digits or '_', starting with a letter`);
  }
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}
