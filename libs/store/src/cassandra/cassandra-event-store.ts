import type { Client } from 'cassandra-driver';
import type { EventEnvelope } from '@dsp/contracts';
import { EventStore, NewEvent, WrongExpectedRevisionError } from '../event-store.port';

/**
 * Event store on Cassandra. An append is one conditional batch in the stream's partition:
 * `INSERT ... IF NOT EXISTS` on each next revision, so of two writers expecting the same
 * revision exactly one is applied (Paxos), and a batch is all or nothing.
 */
export class CassandraEventStore extends EventStore {
  constructor(private readonly client: Client) {
    super();
  }

  async append(stream: string, expectedRevision: number, events: NewEvent[]): Promise<EventEnvelope[]> {
    const recordedAt = new Date();
    const envelopes = events.map<EventEnvelope>((event, i) => ({
      stream,
      revision: expectedRevision + 1 + i,
      type: event.type,
      version: 1,
      data: event.data,
      recordedAt: recordedAt.toISOString(),
    }));
    const insert = 'INSERT INTO events (stream, revision, type, version, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS';
    const queries = envelopes.map((e) => ({
      query: insert,
      params: [stream, e.revision, e.type, e.version, JSON.stringify(e.data), recordedAt],
    }));
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
    const result = await this.client.execute('SELECT DISTINCT stream FROM events');
    return result.rows.map((row) => String(row.get('stream')));
  }

  async unpublished(): Promise<EventEnvelope[]> {
    const heads = await this.client.execute(
      'SELECT stream, revision, published_through FROM events PER PARTITION LIMIT 1',
      [],
      { fetchSize: 5000 },
    );
    const pending: EventEnvelope[] = [];
    for (const row of heads.rows) {
      const head = Number(row.get('revision'));
      const publishedRaw = row.get('published_through') as unknown;
      const published = publishedRaw === null || publishedRaw === undefined ? -1 : Number(publishedRaw);
      if (head > published) pending.push(...(await this.read(String(row.get('stream')), published + 1)));
    }
    return pending;
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
