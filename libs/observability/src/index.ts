export * from './process-logger';
export * from './process-metrics';
