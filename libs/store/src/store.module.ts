import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Client } from 'cassandra-driver';
import type { PlatformConfig } from '@dsp/config';
import { EventStore } from './event-store.port';
import { VcsReadModel } from './vcs-read-model.port';
import { RegistryReadModel } from './registry-read-model.port';
import { ProjectionCheckpoints } from './projection-checkpoints.port';
import { EmbeddedProjectionCheckpoints } from './embedded/embedded-projection-checkpoints';
import { CassandraProjectionCheckpoints } from './cassandra/cassandra-projection-checkpoints';
import { EmbeddedEventStore } from './embedded/embedded-event-store';
import { EmbeddedVcsReadModel } from './embedded/embedded-vcs-read-model';
import { EmbeddedRegistryReadModel } from './embedded/embedded-registry-read-model';
import { openCassandra } from './cassandra/cassandra-session';
import { CassandraEventStore } from './cassandra/cassandra-event-store';
import { CassandraVcsReadModel } from './cassandra/cassandra-vcs-read-model';
import { CachedVcsReadModel } from './cached-vcs-read-model';
import { CachedProjectionCheckpoints } from './cached-projection-checkpoints';
import { EndpointClaims } from './endpoint-claims.port';
import { EmbeddedEndpointClaims } from './embedded/embedded-endpoint-claims';
import { CassandraEndpointClaims } from './cassandra/cassandra-endpoint-claims';
import { ScriptArtifacts } from './script-artifacts.port';
import { EmbeddedScriptArtifacts } from './embedded/embedded-script-artifacts';
import { CassandraScriptArtifacts } from './cassandra/cassandra-script-artifacts';
import { CassandraRegistryReadModel } from './cassandra/cassandra-registry-read-model';
import { InsightStore } from './insight-store.port';
import { EmbeddedInsightStore } from './embedded/embedded-insight-store';
import { CassandraInsightStore } from './cassandra/cassandra-insight-store';

/** The storage engines of one process: embedded (in memory + a file) or Cassandra. */
export interface StorageEngines {
  eventStore: EventStore;
  vcs: VcsReadModel;
  registry: RegistryReadModel;
  checkpoints: ProjectionCheckpoints;
  claims: EndpointClaims;
  artifacts: ScriptArtifacts;
  insight: InsightStore;
  close(): Promise<void>;
}

/** The repository's `migrations/` folder, found upwards from here (works from source and from dist/). */
export const MIGRATIONS_DIR = findMigrationsDir(__dirname);

function findMigrationsDir(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'migrations', '0001_event_store.cql'))) return join(dir, 'migrations');
  }
  return join(from, 'migrations');
}

export function openEmbeddedStorage(dataDir: string | null): StorageEngines {
  return {
    eventStore: new EmbeddedEventStore(dataDir ? join(dataDir, 'events.jsonl') : null),
    vcs: new EmbeddedVcsReadModel(),
    registry: new EmbeddedRegistryReadModel(),
    checkpoints: new EmbeddedProjectionCheckpoints(),
    claims: new EmbeddedEndpointClaims(),
    artifacts: new EmbeddedScriptArtifacts(),
    insight: new EmbeddedInsightStore(),
    close: async () => undefined,
  };
}

export async function openCassandraStorage(config: PlatformConfig['cassandra'], migrationsDir = MIGRATIONS_DIR): Promise<StorageEngines & { client: Client }> {
  const client = await openCassandra(config, migrationsDir);
  return {
    client,
    eventStore: new CassandraEventStore(client),
    vcs: new CachedVcsReadModel(new CassandraVcsReadModel(client)),
    registry: new CassandraRegistryReadModel(client),
    checkpoints: new CachedProjectionCheckpoints(new CassandraProjectionCheckpoints(client)),
    claims: new CassandraEndpointClaims(client),
    artifacts: new CassandraScriptArtifacts(client),
    insight: new CassandraInsightStore(client),
    close: () => client.shutdown(),
  };
}

export async function openStorage(config: PlatformConfig): Promise<StorageEngines> {
  return config.mode === 'distributed' ? openCassandraStorage(config.cassandra) : openEmbeddedStorage(config.dataDir);
}

const STORAGE_ENGINES = Symbol('STORAGE_ENGINES');

interface OwnedEngines {
  engines: StorageEngines;
  shared: boolean;
}

@Injectable()
class StorageLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORAGE_ENGINES) private readonly owned: OwnedEngines) {}
  async onApplicationShutdown(): Promise<void> {
    if (!this.owned.shared) await this.owned.engines.close();
  }
}

@Global()
@Module({})
export class StoreModule {
  /** `shared` engines (one process running several apps) are closed by their owner, not by each app. */
  static forEngines(engines: StorageEngines, options: { shared?: boolean } = {}): DynamicModule {
    return {
      module: StoreModule,
      providers: [
        { provide: STORAGE_ENGINES, useValue: { engines, shared: options.shared ?? false } satisfies OwnedEngines },
        { provide: EventStore, useValue: engines.eventStore },
        { provide: VcsReadModel, useValue: engines.vcs },
        { provide: RegistryReadModel, useValue: engines.registry },
        { provide: ProjectionCheckpoints, useValue: engines.checkpoints },
        { provide: EndpointClaims, useValue: engines.claims },
        { provide: ScriptArtifacts, useValue: engines.artifacts },
        { provide: InsightStore, useValue: engines.insight },
        StorageLifecycle,
      ],
      exports: [EventStore, VcsReadModel, RegistryReadModel, ProjectionCheckpoints, EndpointClaims, ScriptArtifacts, InsightStore],
    };
  }
}
