export * from './event-store.port';
export * from './vcs-read-model.port';
export * from './registry-read-model.port';
export * from './projection-checkpoints.port';
export * from './store.module';
export { EmbeddedEventStore } from './embedded/embedded-event-store';
export { EmbeddedVcsReadModel } from './embedded/embedded-vcs-read-model';
export { EmbeddedRegistryReadModel } from './embedded/embedded-registry-read-model';
export { applyMigrations } from './cassandra/migration-runner';
