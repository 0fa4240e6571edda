/**
 * The EventStore port's contract, run against every adapter (embedded in the unit project,
 * Cassandra in the int project). Stream names are random, so a store may be shared by the
 * whole suite and by other suites: assertions on streams() and unpublished() look only at the
 * streams a test created.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@dsp/contracts';
import { randomName } from '@dsp/testing';
import { EventStore, NewEvent, WrongExpectedRevisionError } from './event-store.port';

const events = (...types: string[]): NewEvent[] => types.map((type, i) => ({ type, data: { n: i, type, text: `Grüße ${type} 🌍`, nested: { list: [1, 'two', null] } } }));

async function rejection(append: Promise<EventEnvelope[]>): Promise<unknown> {
  let recorded: EventEnvelope[];
  try {
    recorded = await append;
  } catch (error) {
    return error;
  }
  throw new Error(`expected the append to be refused, but it was applied at revision(s) ${recorded.map((e) => e.revision).join(', ')}`);
}

export function describeEventStoreContract(name: string, open: () => Promise<EventStore> | EventStore): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    const stream = (): string => randomName('stream');
    const ofStreams = (envelopes: EventEnvelope[], streams: string[]) => envelopes.filter((e) => streams.includes(e.stream));

    beforeAll(async () => {
      store = await open();
    });

    it('appends to a new stream with expected revision -1, numbering events from 0', async () => {
      const s = stream();
      const before = Date.now();
      const recorded = await store.append(s, -1, events('RepositoryCreated', 'CommitCreated'));

      expect(recorded.map((e) => [e.stream, e.revision, e.type, e.version])).toEqual([
        [s, 0, 'RepositoryCreated', 1],
        [s, 1, 'CommitCreated', 1],
      ]);
      expect(recorded.map((e) => e.data)).toEqual(events('RepositoryCreated', 'CommitCreated').map((e) => e.data));
      for (const e of recorded) {
        expect(new Date(e.recordedAt).toISOString()).toBe(e.recordedAt);
        expect(Date.parse(e.recordedAt)).toBeGreaterThanOrEqual(before - 5_000);
      }
      expect(await store.read(s)).toEqual(recorded);
    });

    it('appends after the right expected revision', async () => {
      const s = stream();
      await store.append(s, -1, events('a', 'b'));
      const recorded = await store.append(s, 1, events('c'));
      expect(recorded.map((e) => e.revision)).toEqual([2]);
      await store.append(s, 2, events('d', 'e'));
      expect((await store.read(s)).map((e) => [e.revision, e.type])).toEqual([
        [0, 'a'],
        [1, 'b'],
        [2, 'c'],
        [3, 'd'],
        [4, 'e'],
      ]);
    });

    it.each([
      ['-1 on an existing stream', -1],
      ['a revision the stream has passed', 0],
    ])('refuses an expected revision that is behind (%s) and writes nothing', async (_what, expected) => {
      const s = stream();
      const existing = await store.append(s, -1, events('a', 'b'));
      const error = await rejection(store.append(s, expected, events('late')));

      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ code: 'wrong-expected-revision', retriable: true, stream: s, expectedRevision: expected });
      expect(await store.read(s)).toEqual(existing);
    });

    it('refuses an expected revision ahead of the stream and writes nothing (a stream has no gaps)', async () => {
      const s = stream();
      const existing = await store.append(s, -1, events('a', 'b'));
      const error = await rejection(store.append(s, 4, events('from-the-future')));
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.read(s)).toEqual(existing);
    });

    it('refuses an expected revision other than -1 on a stream that does not exist, and writes nothing', async () => {
      const s = stream();
      const error = await rejection(store.append(s, 0, events('first')));
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.read(s)).toEqual([]);
    });

    it('appends several events all or nothing', async () => {
      const s = stream();
      const existing = await store.append(s, -1, events('a', 'b'));
      // Revision 1 is taken, revisions 2 and 3 are free: nothing of the batch may land.
      const error = await rejection(store.append(s, 0, events('x', 'y', 'z')));
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.read(s)).toEqual(existing);

      const recorded = await store.append(s, 1, events('x', 'y', 'z'));
      expect(recorded.map((e) => e.revision)).toEqual([2, 3, 4]);
      expect(await store.read(s)).toEqual([...existing, ...recorded]);
    });

    it('reads a stream from a revision', async () => {
      const s = stream();
      const recorded = await store.append(s, -1, events('a', 'b', 'c', 'd'));
      expect(await store.read(s, 0)).toEqual(recorded);
      expect(await store.read(s, 2)).toEqual(recorded.slice(2));
      expect(await store.read(s, 3)).toEqual(recorded.slice(3));
      expect(await store.read(s, 4)).toEqual([]);
      expect(await store.read(s, 40)).toEqual([]);
      expect(await store.read(stream())).toEqual([]);
    });

    it('reads a long stream beyond one driver page (2,500 events), in order', async () => {
      const s = stream();
      for (let revision = -1; revision < 2_499; revision += 100) {
        await store.append(s, revision, Array.from({ length: 100 }, (_, i) => ({ type: 'CommitCreated', data: { n: revision + 1 + i } })));
      }
      const all = await store.read(s);
      expect(all.map((e) => e.revision)).toEqual(Array.from({ length: 2_500 }, (_, i) => i));
      expect(all.every((e) => (e.data as { n: number }).n === e.revision)).toBe(true);
      expect((await store.read(s, 1_234)).map((e) => e.revision)).toEqual(Array.from({ length: 1_266 }, (_, i) => 1_234 + i));
    }, 60_000);

    it('lists every stream that has events, once', async () => {
      const [a, b, never] = [stream(), stream(), stream()];
      await store.append(a, -1, events('a'));
      await store.append(a, 0, events('b'));
      await store.append(b, -1, events('a'));
      await store.read(never);

      const listed = await store.streams();
      expect(listed.filter((s) => s === a || s === b || s === never).sort()).toEqual([a, b].sort());
    });

    it('lists unpublished events in stream order until they are marked published; marks never move backwards', async () => {
      const [a, b] = [stream(), stream()];
      const inA = await store.append(a, -1, events('a0', 'a1', 'a2'));
      const inB = await store.append(b, -1, events('b0', 'b1'));
      const pending = async () => ofStreams(await store.unpublished(), [a, b]);

      const all = await pending();
      expect(ofStreams(all, [a])).toEqual(inA);
      expect(ofStreams(all, [b])).toEqual(inB);

      await store.markPublished(a, 1);
      expect(await pending()).toEqual(expect.arrayContaining([inA[2], ...inB]));
      expect(await pending()).toHaveLength(3);

      await store.markPublished(a, 0); // a slower relay confirming an older batch
      expect(ofStreams(await pending(), [a])).toEqual([inA[2]]);

      await store.markPublished(a, 2);
      await store.markPublished(b, 1);
      expect(await pending()).toEqual([]);

      await store.markPublished(a, 1);
      expect(await pending()).toEqual([]);

      const later = await store.append(a, 2, events('a3'));
      expect(await pending()).toEqual(later);
    });

    it('lists streams and unpublished events beyond one driver page (5,001 streams)', async () => {
      // Database drivers page results (the Cassandra driver at 5,000 rows): a listing that reads
      // only the first page silently drops streams, and the relay would never publish them.
      const prefix = randomName('many');
      const names = Array.from({ length: 5_001 }, (_, i) => `${prefix}_${i}`);
      for (let i = 0; i < names.length; i += 100) {
        await Promise.all(names.slice(i, i + 100).map((s) => store.append(s, -1, [{ type: 'RepositoryCreated', data: {} }])));
      }
      const mine = (streams: string[]) => new Set(streams.filter((s) => s.startsWith(`${prefix}_`)));
      expect.soft(mine(await store.streams()).size, 'streams()').toBe(names.length);
      expect.soft(mine((await store.unpublished()).map((e) => e.stream)).size, 'streams in unpublished()').toBe(names.length);
    }, 120_000);

    it('lets exactly one of 10 concurrent appends with the same expected revision win', async () => {
      const s = stream();
      await store.append(s, -1, events('created'));
      const attempts = Array.from({ length: 10 }, (_, i) => store.append(s, 0, [{ type: 'CommitCreated', data: { writer: i } }]));
      const outcomes = await Promise.allSettled(attempts);

      const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);

      const stored = await store.read(s);
      expect(stored.map((e) => e.revision)).toEqual([0, 1]);
      expect(stored[1]?.data).toEqual({ writer: winners[0] });
    });
  });
}
