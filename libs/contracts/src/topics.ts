/** Every Kafka topic the platform uses, in one place. */
export const Topics = {
  /** Repository event streams (commits, branch moves), keyed by repository name. */
  repositoryEvents: 'dsp.repository-events.v1',
  /** Live endpoint registry changes published by the projector, keyed by repository name. */
  registryChanges: 'dsp.registry-changes.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];
