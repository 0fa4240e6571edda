import type { Client } from 'cassandra-driver';
import type { EventEnvelope } from '@dsp/contracts';
import { EventStore, NewEvent, WrongExpectedRevisionError, envelopesFor } from '../event-store.port';
import { allRows } from './all-rows.util';

/**
 * Event store on Cassandra. An append is one conditional batch in the stream's partition:
 * `UPDATE ... SET head = <new> IF head = <expected>` (or `IF head = null` for a new stream) plus
 * the event rows, so of two writers expecting the same revision exactly one is applied (Paxos),
 * a writer expecting anything but the current head is refused (no gaps), and the batch is all
 * or nothing.
 */
export class CassandraEventStore extends EventStore {
  constructor(private readonly client: Client) {
    super();
  }

  async append(stream: string, expectedRevision: number, events: NewEvent[]): Promise<EventEnvelope[]> {
    const recordedAt = new Date();
    const envelopes = envelopesFor(stream, expectedRevision, events, recordedAt);
    const head = expectedRevision + events.length;
    const guard =
      expectedRevision < 0
        ? { query: 'UPDATE events SET head = ? WHERE stream = ? IF head = null', params: [head, stream] }
        : { query: 'UPDATE events SET head = ? WHERE stream = ? IF head = ?', params: [head, stream, expectedRevision] };
    const insert = 'INSERT INTO events (stream, revision, type, version, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?)';
    const queries = [
      guard,
      ...envelopes.map((e) => ({ query: insert, params: [stream, e.revision, e.type, e.version, JSON.stringify(e.data), recordedAt] })),
    ];
    const result = await this.client.batch(queries, { prepare: true });
    if (!result.wasApplied()) throw new WrongExpectedRevisionError(stream, expectedRevision);
    return envelopes;
  }

  async read(stream: string, fromRevision = 0): Promise<EventEnvelope[]> {
    const events: EventEnvelope[] = [];
    const query = 'SELECT stream, revision, type, version, data, recorded_at FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC';
    let pageState: string | undefined;
    do {
      const page = await this.client.execute(query, [stream, fromRevision], { prepare: true, fetchSize: 1000, pageState });
      for (const row of page.rows) events.push(toEnvelope(row as RowLike));
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return events;
  }

  async streams(): Promise<string[]> {
    return (await allRows(this.client, 'SELECT DISTINCT stream FROM events')).map((row) => String(row.get('stream')));
  }

  async unpublished(): Promise<EventEnvelope[]> {
    const heads = await allRows(this.client, 'SELECT DISTINCT stream, head, published_through FROM events');
    const pending: EventEnvelope[] = [];
    for (const row of heads) {
      const head = nullableNumber(row.get('head'));
      const published = nullableNumber(row.get('published_through'));
      if (head > published) pending.push(...(await this.read(String(row.get('stream')), published + 1)));
    }
    return pending;
  }

  async publishedThrough(stream: string): Promise<number> {
    const row = (await this.client.execute('SELECT published_through FROM events WHERE stream = ? LIMIT 1', [stream], { prepare: true })).first();
    return row ? nullableNumber(row.get('published_through')) : -1;
  }

  async markPublished(stream: string, throughRevision: number): Promise<void> {
    // The write timestamp is the revision, so a slower relay can never move the mark backwards.
    await this.client.execute(
      'UPDATE events USING TIMESTAMP ? SET published_through = ? WHERE stream = ?',
      [throughRevision + 1, throughRevision, stream],
      { prepare: true },
    );
  }
}

interface RowLike {
  get(name: string): unknown;
}

function nullableNumber(value: unknown): number {
  return value === null || value === undefined ? -1 : Number(value);
}

function toEnvelope(row: RowLike): EventEnvelope {
  return {
    stream: String(row.get('stream')),
    revision: Number(row.get('revision')),
    type: String(row.get('type')),
    version: 1,
    data: JSON.parse(String(row.get('data'))) as unknown,
    recordedAt: (row.get('recorded_at') as Date).toISOString(),
  };
}
