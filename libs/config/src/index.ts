export * from './platform.config';
