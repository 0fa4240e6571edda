/**
 * Embedded event store: streams in memory, appended durably to a JSON-lines file so a restarted
 * single-process platform keeps its history. Publication marks are deliberately not persisted:
 * after a restart every event is "unpublished" again, which rebuilds the in-memory read models.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EventEnvelope } from '@dsp/contracts';
import { EventStore, NewEvent, WrongExpectedRevisionError, envelopesFor } from '../event-store.port';

export class EmbeddedEventStore extends EventStore {
  private readonly streamsById = new Map<string, EventEnvelope[]>();
  private readonly published = new Map<string, number>();

  constructor(private readonly file: string | null) {
    super();
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as EventEnvelope;
        this.streamOf(event.stream).push(event);
      }
    }
  }

  async append(stream: string, expectedRevision: number, events: NewEvent[]): Promise<EventEnvelope[]> {
    const current = this.streamOf(stream);
    if (current.length - 1 !== expectedRevision) throw new WrongExpectedRevisionError(stream, expectedRevision);
    const envelopes = envelopesFor(stream, expectedRevision, events, new Date());
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, envelopes.map((e) => `${JSON.stringify(e)}\n`).join(''));
    }
    current.push(...envelopes);
    return envelopes;
  }

  async read(stream: string, fromRevision = 0): Promise<EventEnvelope[]> {
    return (this.streamsById.get(stream) ?? []).slice(fromRevision);
  }

  async streams(): Promise<string[]> {
    return [...this.streamsById.keys()];
  }

  async unpublished(): Promise<EventEnvelope[]> {
    const pending: EventEnvelope[] = [];
    for (const [stream, events] of this.streamsById) {
      pending.push(...events.slice((this.published.get(stream) ?? -1) + 1));
    }
    return pending;
  }

  async markPublished(stream: string, throughRevision: number): Promise<void> {
    this.published.set(stream, Math.max(throughRevision, this.published.get(stream) ?? -1));
  }

  async publishedThrough(stream: string): Promise<number> {
    return this.published.get(stream) ?? -1;
  }

  private streamOf(stream: string): EventEnvelope[] {
    let events = this.streamsById.get(stream);
    if (!events) {
      events = [];
      this.streamsById.set(stream, events);
    }
    return events;
  }
}
