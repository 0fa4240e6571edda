/**
 * Ten writers, as if on ten control nodes (each its own folded-state cache), race to make 100
 * commits each on one branch of a real Cassandra event store. Every append is a compare-and-swap
 * on the stream: exactly one winner per expected head, no lost update, and a linear history of
 * exactly the accepted commits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'cassandra-driver';
import { EmbeddedEventLog, EventRelay } from '@dsp/event-log';
import { openCassandraStorage, type StorageEngines } from '@dsp/store';
import { AllowAllContentPolicy, cassandraContactPoints, randomName } from '@dsp/testing';
import { CommitChangesCommand } from './commit-changes.command';
import { CommitChangesHandler } from './commit-changes.handler';
import { CommitWriter } from './commit-writer';
import { CreateRepositoryCommand } from './create-repository.command';
import { CreateRepositoryHandler } from './create-repository.handler';
import { RepositoryStreams } from './repository-streams';
import { StaleParentError } from './vcs.errors';

const WRITERS = 10;
const COMMITS_EACH = 100;
const AUTHOR = { name: 'Writer', email: 'writer@example.com' };

describe('concurrent writers on one branch (Cassandra)', () => {
  let storage: StorageEngines & { client: Client };
  const keyspace = randomName('dsp_test');

  beforeAll(async () => {
    storage = await openCassandraStorage({
      contactPoints: cassandraContactPoints(),
      localDataCenter: 'datacenter1',
      keyspace,
      replication: { class: 'SimpleStrategy', replication_factor: 1 },
      consistency: 'localQuorum',
    });
  });
  afterAll(async () => {
    await storage?.client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await storage?.close();
  });

  it('accepts exactly one commit per expected head and loses none', { timeout: 600_000 }, async () => {
    const relay = new EventRelay(storage.eventStore, new EmbeddedEventLog());
    await new CreateRepositoryHandler(new RepositoryStreams(storage.eventStore), relay).execute(new CreateRepositoryCommand('race'));
    const seedStreams = new RepositoryStreams(storage.eventStore);
    const seed = new CommitChangesHandler(seedStreams, new CommitWriter(seedStreams, new AllowAllContentPolicy(), relay));
    const base = (await seed.execute(new CommitChangesCommand('race', 'main', null, 'Base', AUTHOR, [{ path: 'README', content: 'race\n' }]))).commit;

    const accepted: { writer: number; commit: string; parent: string }[] = [];
    let conflicts = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        const streams = new RepositoryStreams(storage.eventStore); // one "control node" each
        const handler = new CommitChangesHandler(streams, new CommitWriter(streams, new AllowAllContentPolicy(), relay));
        for (let n = 0; n < COMMITS_EACH; ) {
          const parent = (await streams.load('race')).branches.get('main')?.head ?? null;
          try {
            const result = await handler.execute(
              new CommitChangesCommand('race', 'main', parent, `writer ${writer} commit ${n}`, AUTHOR, [{ path: `w${writer}.txt`, content: `${writer}-${n}\n` }]),
            );
            accepted.push({ writer, commit: result.commit, parent: parent ?? '' });
            n += 1;
          } catch (error) {
            if (!(error instanceof StaleParentError)) throw error;
            conflicts += 1;
          }
        }
      }),
    );
    console.log(`${accepted.length} commits accepted, ${conflicts} conflicts, ${((Date.now() - started) / 1000).toFixed(1)} s`);

    expect(accepted).toHaveLength(WRITERS * COMMITS_EACH);
    // Exactly one winner per expected head.
    const winnersByParent = new Map<string, number>();
    for (const a of accepted) winnersByParent.set(a.parent, (winnersByParent.get(a.parent) ?? 0) + 1);
    expect([...winnersByParent.values()].every((count) => count === 1)).toBe(true);

    // The recorded history is linear and holds exactly the accepted commits, in acceptance order.
    const state = await new RepositoryStreams(storage.eventStore).load('race');
    const chain: string[] = [];
    for (let id = state.branches.get('main')?.head; id && id !== base; id = state.commits.get(id)?.parents[0]) {
      expect(state.commits.get(id)?.parents).toHaveLength(1);
      chain.push(id);
    }
    expect(chain.reverse()).toEqual(linearOrder(accepted, base));
    expect(new Set(chain)).toEqual(new Set(accepted.map((a) => a.commit)));

    // No lost update: every writer's file holds its last write.
    const head = state.branches.get('main');
    for (let writer = 0; writer < WRITERS; writer++) expect(head?.files.get(`w${writer}.txt`)?.content).toBe(`${writer}-${COMMITS_EACH - 1}\n`);
  });
});

/** Follows parent -> child links from the base: the order in which commits were accepted. */
function linearOrder(accepted: { commit: string; parent: string }[], base: string): string[] {
  const childOf = new Map(accepted.map((a) => [a.parent, a.commit]));
  const order: string[] = [];
  for (let next = childOf.get(base); next; next = childOf.get(next)) order.push(next);
  return order;
}
