import type { PlatformConfig } from '@dsp/config';
import type { EventLog } from './event-log.port';
import { EmbeddedEventLog } from './embedded-event-log';
import { KafkaEventLog } from './kafka-event-log';

export function openEventLog(config: PlatformConfig): EventLog {
  return config.mode === 'distributed' ? new KafkaEventLog(config.kafka) : new EmbeddedEventLog();
}
