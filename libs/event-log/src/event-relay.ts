/**
 * The outbox relay: publishes recorded events to the log, in stream order, and moves each
 * stream's publication mark. Called right after every append and on a timer for anything a
 * crash or an outage left behind, so an acknowledged event is always published eventually
 * (at least once; consumers are idempotent).
 *
 * A stream is only ever published from its mark onwards: if an earlier publication failed, the
 * next one re-sends the missed events first, so the mark never passes an event that was not sent.
 */
import { Topics, type EventEnvelope } from '@dsp/contracts';
import type { EventStore } from '@dsp/store';
import type { EventLog } from './event-log.port';

export class EventRelay {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<number> | null = null;
  /** Publication marks this process knows; a stale (low) value only costs a read of the store. */
  private readonly marks = new Map<string, number>();
  private readonly streamLocks = new Map<string, Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly log: EventLog,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Publishes just-appended events (and any unpublished predecessors of their streams). */
  async publish(events: EventEnvelope[]): Promise<void> {
    const byStream = new Map<string, EventEnvelope[]>();
    for (const event of events) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
    await Promise.all([...byStream].map(([stream, streamEvents]) => this.withStreamLock(stream, () => this.publishStream(stream, streamEvents))));
  }

  /** Publishes every unpublished event; returns how many. */
  sweep(): Promise<number> {
    if (!this.sweeping) {
      this.sweeping = (async () => {
        const pending = await this.store.unpublished();
        this.marks.clear(); // the store is the truth; forget what we assumed
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

  private async publishStream(stream: string, events: EventEnvelope[]): Promise<void> {
    const first = events[0];
    const last = events[events.length - 1];
    if (!first || !last) return;
    let mark = this.marks.get(stream);
    if (mark === undefined || mark + 1 < first.revision) mark = await this.store.publishedThrough(stream);
    if (last.revision <= mark) return;
    const toSend = mark + 1 < first.revision ? await this.store.read(stream, mark + 1) : events.filter((e) => e.revision > mark);
    const through = toSend.filter((e) => e.revision <= last.revision);
    const end = through[through.length - 1];
    if (!end) return;
    await this.log.publish(
      Topics.repositoryEvents,
      through.map((event) => ({ key: stream, value: JSON.stringify(event) })),
    );
    await this.store.markPublished(stream, end.revision);
    this.marks.set(stream, Math.max(end.revision, this.marks.get(stream) ?? -1));
  }

  private withStreamLock(stream: string, work: () => Promise<void>): Promise<void> {
    const previous = this.streamLocks.get(stream) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.streamLocks.set(stream, next);
    void next.finally(() => {
      if (this.streamLocks.get(stream) === next) this.streamLocks.delete(stream);
    }).catch(() => undefined);
    return next;
  }
}
