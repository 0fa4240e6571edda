import { DynamicModule, Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { EventStore } from '@dsp/store';
import { EventLog } from './event-log.port';
import { EventRelay } from './event-relay';

const OWNED_EVENT_LOG = Symbol('OWNED_EVENT_LOG');

@Injectable()
class EventLogLifecycle implements OnApplicationShutdown {
  constructor(@Inject(OWNED_EVENT_LOG) private readonly owned: { log: EventLog; shared: boolean }) {}
  async onApplicationShutdown(): Promise<void> {
    if (!this.owned.shared) await this.owned.log.close();
  }
}

@Global()
@Module({})
export class EventLogModule {
  static forLog(log: EventLog, options: { shared?: boolean } = {}): DynamicModule {
    return {
      module: EventLogModule,
      providers: [
        { provide: EventLog, useValue: log },
        { provide: OWNED_EVENT_LOG, useValue: { log, shared: options.shared ?? false } },
        {
          provide: EventRelay,
          inject: [EventStore],
          useFactory: (store: EventStore) => {
            const logger = new Logger('EventRelay');
            return new EventRelay(store, log, (error) => logger.warn(`publication retry failed: ${String(error)}`));
          },
        },
        EventLogLifecycle,
      ],
      exports: [EventLog, EventRelay],
    };
  }
}
