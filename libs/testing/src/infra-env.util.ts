/** Addresses of the real servers the `int` tests run against, from the environment. */
function requiredList(name: string): string[] {
  const value = (process.env[name] ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (value.length === 0) {
    throw new Error(`${name} is not set: run through \`tsx test/infra/with-infra.ts\`, or \`npm run infra:up\` and export it`);
  }
  return value;
}

export function kafkaBrokers(): string[] {
  return requiredList('DSP_KAFKA_BROKERS');
}

export function cassandraContactPoints(): string[] {
  return requiredList('DSP_CASSANDRA_CONTACT_POINTS');
}
