export * from './backend-services.config';
export * from './platform.config';
