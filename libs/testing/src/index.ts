export * from './decider-spec.util';
export * from './poll-until.util';
export * from './random-name.util';
export * from './infra-env.util';
export * from './allow-all-content.policy';
