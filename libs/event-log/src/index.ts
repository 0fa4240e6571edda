export * from './event-log.port';
export * from './event-relay';
export * from './event-log.factory';
export { EmbeddedEventLog } from './embedded-event-log';
export { KafkaEventLog } from './kafka-event-log';
export * from './event-log.module';
