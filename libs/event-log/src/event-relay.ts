/**
 * The outbox relay: publishes recorded events to the log and marks them published. Called right
 * after every append, and on a timer for anything a crash left behind, so an acknowledged event
 * is always published eventually (at least once; consumers are idempotent).
 */
import { Topics, type EventEnvelope } from '@dsp/contracts';
import type { EventStore } from '@dsp/store';
import type { EventLog } from './event-log.port';

export class EventRelay {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly log: EventLog,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async publish(events: EventEnvelope[]): Promise<void> {
    const byStream = new Map<string, EventEnvelope[]>();
    for (const event of events) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
    for (const [stream, streamEvents] of byStream) {
      await this.log.publish(
        Topics.repositoryEvents,
        streamEvents.map((event) => ({ key: stream, value: JSON.stringify(event) })),
      );
      const last = streamEvents[streamEvents.length - 1];
      if (last) await this.store.markPublished(stream, last.revision);
    }
  }

  /** Publishes every unpublished event; returns how many. */
  sweep(): Promise<number> {
    if (!this.sweeping) {
      this.sweeping = (async () => {
        const pending = await this.store.unpublished();
        await this.publish(pending);
        return pending.length;
      })().finally(() => (this.sweeping = null));
    }
    return this.sweeping;
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sweep().catch(this.onError);
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
