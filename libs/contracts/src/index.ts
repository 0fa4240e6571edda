export * from './topics';
export * from './event-envelope';
export * from './repository-events.v1';
export * from './registry-changes.v1';
export * from './manifest.v1';
