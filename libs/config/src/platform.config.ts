import { type BackendServiceConfig, loadBackendServices } from './backend-services.config';

/** Process configuration, read once from the environment. Every knob is documented in the README. */
export interface PlatformConfig {
  /** 'distributed' when Kafka and Cassandra are configured, else 'embedded'. */
  mode: 'embedded' | 'distributed';
  controlPort: number;
  gatewayPort: number;
  host: string;
  adminToken: string | null;
  dataDir: string;
  kafka: { brokers: string[]; clientId: string; partitions: number; replicationFactor: number; namespace: string };
  cassandra: {
    contactPoints: string[];
    localDataCenter: string;
    keyspace: string;
    /** CQL replication map, e.g. {"class":"SimpleStrategy","replication_factor":1}. */
    replication: Record<string, string | number>;
    consistency: string;
  };
  /** Backend services scripts may call, by name (DSP_SERVICES_FILE or DSP_SERVICES). */
  services: Record<string, BackendServiceConfig>;
  logLevel: string;
}

export function loadPlatformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const brokers = list(env.DSP_KAFKA_BROKERS);
  const contactPoints = list(env.DSP_CASSANDRA_CONTACT_POINTS);
  const distributed = brokers.length > 0 && contactPoints.length > 0;
  if (brokers.length > 0 !== contactPoints.length > 0) {
    throw new Error('set both DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS (distributed mode) or neither (embedded mode)');
  }
  return {
    mode: distributed ? 'distributed' : 'embedded',
    controlPort: int(env.DSP_CONTROL_PORT, 7070, 'DSP_CONTROL_PORT'),
    gatewayPort: int(env.DSP_GATEWAY_PORT, 8080, 'DSP_GATEWAY_PORT'),
    host: env.DSP_HOST ?? '127.0.0.1',
    adminToken: env.DSP_ADMIN_TOKEN && env.DSP_ADMIN_TOKEN.length > 0 ? env.DSP_ADMIN_TOKEN : null,
    dataDir: env.DSP_DATA_DIR ?? '.dsp-data',
    kafka: {
      brokers,
      clientId: env.DSP_KAFKA_CLIENT_ID ?? 'dsp',
      partitions: int(env.DSP_KAFKA_PARTITIONS, 6, 'DSP_KAFKA_PARTITIONS'),
      replicationFactor: int(env.DSP_KAFKA_REPLICATION_FACTOR, 1, 'DSP_KAFKA_REPLICATION_FACTOR'),
      namespace: env.DSP_KAFKA_NAMESPACE ?? '',
    },
    cassandra: {
      contactPoints,
      localDataCenter: env.DSP_CASSANDRA_DATACENTER ?? 'datacenter1',
      keyspace: env.DSP_CASSANDRA_KEYSPACE ?? 'dsp',
      replication: env.DSP_CASSANDRA_REPLICATION
        ? (JSON.parse(env.DSP_CASSANDRA_REPLICATION) as Record<string, string | number>)
        : { class: 'SimpleStrategy', replication_factor: 1 },
      consistency: env.DSP_CASSANDRA_CONSISTENCY ?? 'localQuorum',
    },
    services: loadBackendServices(env),
    logLevel: env.DSP_LOG_LEVEL ?? 'info',
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a non-negative integer, got '${value}'`);
  return parsed;
}
