import type { EventEnvelope } from '@dsp/contracts';

export interface NewEvent {
  type: string;
  data: unknown;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'wrong-expected-revision';
  readonly retriable = true;
  constructor(
    readonly stream: string,
    readonly expectedRevision: number,
  ) {
    super(`stream '${stream}' is no longer at revision ${expectedRevision}`);
  }
}

/**
 * Append-only event streams with optimistic concurrency, plus the outbox view:
 * which recorded events have not been confirmed as published yet.
 */
export abstract class EventStore {
  /** Appends after `expectedRevision` (-1 = the stream must not exist); all or nothing. */
  abstract append(stream: string, expectedRevision: number, events: NewEvent[]): Promise<EventEnvelope[]>;
  abstract read(stream: string, fromRevision?: number): Promise<EventEnvelope[]>;
  abstract streams(): Promise<string[]>;
  /** Events recorded but not yet marked published, in stream order. */
  abstract unpublished(): Promise<EventEnvelope[]>;
  abstract markPublished(stream: string, throughRevision: number): Promise<void>;
  /** The stream's publication mark (-1 when nothing is published yet). */
  abstract publishedThrough(stream: string): Promise<number>;
}

/** The envelopes of events appended after `expectedRevision`, as every adapter records them. */
export function envelopesFor(stream: string, expectedRevision: number, events: NewEvent[], recordedAt: Date): EventEnvelope[] {
  return events.map((event, i) => ({
    stream,
    revision: expectedRevision + 1 + i,
    type: event.type,
    version: 1,
    data: event.data,
    recordedAt: recordedAt.toISOString(),
  }));
}
