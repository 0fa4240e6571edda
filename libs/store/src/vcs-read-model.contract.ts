/**
 * The VcsReadModel port's contract, run against every adapter. Repository names are random, so
 * one read model may serve the whole suite; listings are filtered to a test's own repositories.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GitTreeObjectV1 } from '@dsp/contracts';
import { randomName } from '@dsp/testing';
import type { CommitRecord, VcsReadModel } from './vcs-read-model.port';

const repoName = (): string => randomName('repo').replace(/_/g, '-');

function commitRecord(repository: string, commit: string, overrides: Partial<CommitRecord> = {}): CommitRecord {
  const identity = { name: 'Ada Lovelace', email: 'ada@example.com', timestamp: 1_700_000_000, timezoneOffset: -120 };
  return {
    repository,
    commit,
    tree: 'b'.repeat(40),
    parents: ['c'.repeat(40)],
    author: identity,
    committer: { ...identity, name: 'Grace Hopper', timestamp: 1_700_000_060 },
    message: 'Grüße: a commit 🌍\n\nwith a body\n',
    changes: [
      { path: 'dsp.json', status: 'modified' },
      { path: 'lib/new.js', status: 'added' },
      { path: 'old.js', status: 'deleted' },
    ],
    ...overrides,
  };
}

/** A 40-digit hex id starting with `prefix`. */
const hexId = (prefix: string, fill = '0'): string => (prefix + fill.repeat(40)).slice(0, 40);

export function describeVcsReadModelContract(name: string, open: () => Promise<VcsReadModel> | VcsReadModel): void {
  describe(`VcsReadModel contract: ${name}`, () => {
    let model: VcsReadModel;

    beforeAll(async () => {
      model = await open();
    });

    it('stores repositories; writing one twice keeps one', async () => {
      const [a, b] = [repoName(), repoName()];
      await model.putRepository({ name: a, createdAt: '2023-11-14T22:13:20.000Z' }, 0);
      await model.putRepository({ name: b, createdAt: '2023-11-14T22:14:20.000Z' }, 0);
      await model.putRepository({ name: a, createdAt: '2023-11-14T22:13:20.000Z' }, 0);

      expect(await model.getRepository(a)).toEqual({ name: a, createdAt: '2023-11-14T22:13:20.000Z' });
      expect(await model.getRepository(repoName())).toBeNull();
      const listed = (await model.listRepositories()).filter((r) => r.name === a || r.name === b);
      expect(listed.sort((x, y) => (x.name < y.name ? -1 : 1))).toEqual(
        [
          { name: a, createdAt: '2023-11-14T22:13:20.000Z' },
          { name: b, createdAt: '2023-11-14T22:14:20.000Z' },
        ].sort((x, y) => (x.name < y.name ? -1 : 1)),
      );
    });

    it('lists repositories beyond one driver page (5,001 repositories)', async () => {
      const prefix = repoName();
      const names = Array.from({ length: 5_001 }, (_, i) => `${prefix}-${i}`);
      for (let i = 0; i < names.length; i += 200) {
        await Promise.all(names.slice(i, i + 200).map((name) => model.putRepository({ name, createdAt: '2023-11-14T22:13:20.000Z' }, 0)));
      }
      const listed = (await model.listRepositories()).filter((r) => r.name.startsWith(`${prefix}-`));
      expect(new Set(listed.map((r) => r.name)).size).toBe(names.length);
    }, 120_000);

    it('stores commits; writing one twice changes nothing', async () => {
      const repository = repoName();
      const record = commitRecord(repository, hexId('a1'));
      const root = commitRecord(repository, hexId('a2'), { parents: [], changes: [] });
      await model.putCommit(record);
      await model.putCommit(root);
      await model.putCommit(record);

      expect(await model.getCommit(repository, record.commit)).toEqual(record);
      expect(await model.getCommit(repository, root.commit)).toEqual(root);
      expect(await model.getCommit(repository, hexId('ff'))).toBeNull();
      expect(await model.getCommit(repoName(), record.commit)).toBeNull();
    });

    it('finds commits by id prefix, within one repository, at most `limit`', async () => {
      const repository = repoName();
      const other = repoName();
      const ids = [hexId('abc1'), hexId('abc2'), hexId('abd0'), hexId('ab', 'f'), hexId('ff00')];
      for (const id of ids) await model.putCommit(commitRecord(repository, id));
      await model.putCommit(commitRecord(other, hexId('abc3')));

      expect((await model.findCommits(repository, 'abc', 10)).sort()).toEqual([hexId('abc1'), hexId('abc2')]);
      expect((await model.findCommits(repository, 'ab', 10)).sort()).toEqual([hexId('ab', 'f'), hexId('abc1'), hexId('abc2'), hexId('abd0')].sort());
      expect(await model.findCommits(repository, hexId('abd0'), 10)).toEqual([hexId('abd0')]);
      expect(await model.findCommits(repository, 'abe', 10)).toEqual([]);
      expect(await model.findCommits(repository, 'f', 10)).toEqual([hexId('ff00')]);

      const limited = await model.findCommits(repository, 'ab', 2);
      expect(limited).toHaveLength(2);
      for (const id of limited) expect(id.startsWith('ab')).toBe(true);
    });

    it('stores trees and blobs by id; writing them twice changes nothing', async () => {
      const repository = repoName();
      const tree: GitTreeObjectV1 = {
        id: hexId('7e'),
        entries: [
          { mode: '100644', path: 'dsp.json', oid: hexId('b1'), type: 'blob' },
          { mode: '040000', path: 'lib', oid: hexId('7f'), type: 'tree' },
        ],
      };
      const subtree: GitTreeObjectV1 = { id: hexId('7f'), entries: [{ mode: '100644', path: 'x.js', oid: hexId('b2'), type: 'blob' }] };
      await model.putTrees(repository, [subtree, tree]);
      await model.putTrees(repository, [tree]);
      await model.putBlobs(repository, [
        { id: hexId('b1'), content: '{ "endpoints": [] }\n' },
        { id: hexId('b2'), content: "export const x = 'Grüße 🌍';" },
        { id: hexId('e6'), content: '' },
      ]);
      await model.putBlobs(repository, [{ id: hexId('b1'), content: '{ "endpoints": [] }\n' }]);

      expect(await model.getTree(repository, tree.id)).toEqual(tree);
      expect(await model.getTree(repository, subtree.id)).toEqual(subtree);
      expect(await model.getTree(repository, hexId('00'))).toBeNull();
      expect(await model.getTree(repoName(), tree.id)).toBeNull();
      expect(await model.getBlob(repository, hexId('b1'))).toBe('{ "endpoints": [] }\n');
      expect(await model.getBlob(repository, hexId('b2'))).toBe("export const x = 'Grüße 🌍';");
      expect(await model.getBlob(repository, hexId('e6'))).toBe('');
      expect(await model.getBlob(repository, hexId('00'))).toBeNull();
    });

    it('moves refs forward only: a lower revision after a higher one changes nothing; the same move twice is idempotent', async () => {
      const repository = repoName();
      const main = { repository, name: 'main', commit: hexId('c5'), revision: 5 };
      await model.moveRef({ repository, name: 'main', commit: hexId('c1'), revision: 1 });
      await model.moveRef(main);
      expect(await model.getRef(repository, 'main')).toEqual(main);

      await model.moveRef({ repository, name: 'main', commit: hexId('c3'), revision: 3 }); // replayed, older
      expect(await model.getRef(repository, 'main')).toEqual(main);

      await model.moveRef(main);
      expect(await model.getRef(repository, 'main')).toEqual(main);

      const next = { repository, name: 'main', commit: hexId('c7'), revision: 7 };
      await model.moveRef(next);
      expect(await model.getRef(repository, 'main')).toEqual(next);

      const feature = { repository, name: 'feature/x', commit: hexId('f2'), revision: 2 };
      await model.moveRef(feature);
      await model.moveRef({ repository: repoName(), name: 'main', commit: hexId('99'), revision: 9 });
      expect(await model.getRef(repository, 'nope')).toBeNull();
      expect((await model.listRefs(repository)).sort((x, y) => (x.name < y.name ? -1 : 1))).toEqual([feature, next]);
    });

    describe('branch log', () => {
      const seqs = [2, 4, 6, 8, 10, 12, 14]; // revisions of BranchMoved events: not contiguous

      it('pages newest first with a `next` cursor: 7 entries, limit 3 -> 3, 3, 1', async () => {
        const repository = repoName();
        for (const seq of seqs) await model.appendBranchLog(repository, 'main', seq, commitRecord(repository, hexId(`c${seq}`)));
        await model.appendBranchLog(repository, 'other', 20, commitRecord(repository, hexId('d0')));

        const first = await model.branchLog(repository, 'main', { limit: 3 });
        expect(first.entries.map((e) => e.seq)).toEqual([14, 12, 10]);
        expect(first.entries[0]?.commit).toEqual(commitRecord(repository, hexId('c14')));
        expect(first.next).toBe(10);

        const second = await model.branchLog(repository, 'main', { limit: 3, before: first.next ?? undefined });
        expect(second.entries.map((e) => e.seq)).toEqual([8, 6, 4]);
        expect(second.next).toBe(4);

        const third = await model.branchLog(repository, 'main', { limit: 3, before: second.next ?? undefined });
        expect(third.entries.map((e) => e.seq)).toEqual([2]);
        expect(third.entries[0]?.commit.commit).toBe(hexId('c2'));
        expect(third.next).toBeNull();
      });

      it('ends with next = null when the last page is exactly full', async () => {
        const repository = repoName();
        for (const seq of seqs.slice(1)) await model.appendBranchLog(repository, 'main', seq, commitRecord(repository, hexId(`c${seq}`)));
        const first = await model.branchLog(repository, 'main', { limit: 3 });
        expect(first.entries.map((e) => e.seq)).toEqual([14, 12, 10]);
        const second = await model.branchLog(repository, 'main', { limit: 3, before: first.next ?? undefined });
        expect(second.entries.map((e) => e.seq)).toEqual([8, 6, 4]);
        expect(second.next).toBeNull();
        expect(await model.branchLog(repository, 'nope', { limit: 3 })).toEqual({ entries: [], next: null });
      });

      it('keeps one entry per seq when the same entry is appended twice (redelivery)', async () => {
        const repository = repoName();
        for (const seq of [2, 4, 4, 6, 2]) await model.appendBranchLog(repository, 'main', seq, commitRecord(repository, hexId(`c${seq}`)));
        const page = await model.branchLog(repository, 'main', { limit: 10 });
        expect(page.entries.map((e) => [e.seq, e.commit.commit])).toEqual([
          [6, hexId('c6')],
          [4, hexId('c4')],
          [2, hexId('c2')],
        ]);
        expect(page.next).toBeNull();
      });
    });
  });
}
