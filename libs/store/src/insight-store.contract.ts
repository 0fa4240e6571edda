/** The InsightStore port's contract, run against every adapter. Repository and node names are random. */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectEventually, randomName } from '@dsp/testing';
import type { BackendCallTotals, InsightStore, ReportedBackendCallTotals } from './insight-store.port';

/** `open(ttlSeconds)` gives a store whose rows live that long after their last report (the adapter's default when omitted). */
export function describeInsightStoreContract(name: string, open: (ttlSeconds?: number) => Promise<InsightStore> | InsightStore): void {
  describe(`InsightStore contract: ${name}`, () => {
    let store: InsightStore;

    beforeAll(async () => {
      store = await open();
    });

    const totals = (repository: string, extra: Partial<BackendCallTotals> = {}): BackendCallTotals => ({
      repository,
      endpoint: 'GET /tv/hello/:name',
      commit: 'a'.repeat(40),
      service: 'catalog',
      method: 'GET',
      calls: 3,
      failures: 1,
      totalMs: 12.75,
      maxMs: 6.5,
      ...extra,
    });
    type NodeTotals = BackendCallTotals & { node: string };
    const sorted = (rows: NodeTotals[]): NodeTotals[] =>
      [...rows].sort((a, b) => `${a.node} ${a.service} ${a.calls}`.localeCompare(`${b.node} ${b.service} ${b.calls}`));
    const withoutTime = (rows: ReportedBackendCallTotals[]): NodeTotals[] => sorted(rows.map(({ reportedAt: _reportedAt, ...row }) => row));

    it('returns nothing for a repository no node reported', async () => {
      expect(await store.read(randomName('repo'))).toEqual([]);
    });

    it("keeps one row per node and call site, each repository's rows apart, fractions of milliseconds intact", async () => {
      const [tv, radio] = [randomName('tv'), randomName('radio')];
      const [one, two] = [randomName('node'), randomName('node')];
      await store.report(one, [totals(tv), totals(tv, { service: 'ratings', calls: 1, failures: 0, totalMs: 0.25, maxMs: 0.25 }), totals(radio, { calls: 9 })]);
      await store.report(two, [totals(tv, { calls: 5, failures: 0, totalMs: 100.5, maxMs: 70.125 })]);

      expect(withoutTime(await store.read(tv))).toEqual(
        sorted([
          { ...totals(tv), node: one },
          { ...totals(tv, { service: 'ratings', calls: 1, failures: 0, totalMs: 0.25, maxMs: 0.25 }), node: one },
          { ...totals(tv, { calls: 5, failures: 0, totalMs: 100.5, maxMs: 70.125 }), node: two },
        ]),
      );
      expect(withoutTime(await store.read(radio))).toEqual([{ ...totals(radio, { calls: 9 }), node: one }]);
    });

    it("replaces a node's earlier row for the same call site, leaves other nodes' rows alone, and is idempotent", async () => {
      const repository = randomName('tv');
      const [one, two] = [randomName('node'), randomName('node')];
      await store.report(one, [totals(repository, { calls: 2 })]);
      await store.report(two, [totals(repository, { calls: 7 })]);
      await store.report(one, [totals(repository, { calls: 4, maxMs: 9 })]);
      await store.report(one, [totals(repository, { calls: 4, maxMs: 9 })]);

      expect(withoutTime(await store.read(repository))).toEqual(
        sorted([
          { ...totals(repository, { calls: 4, maxMs: 9 }), node: one },
          { ...totals(repository, { calls: 7 }), node: two },
        ]),
      );
    });

    it('stamps each row with the time of its latest report', async () => {
      const repository = randomName('tv');
      const node = randomName('node');
      const before = Date.now();
      await store.report(node, [totals(repository)]);
      const after = Date.now();
      const [row] = await store.read(repository);
      expect(row?.reportedAt).toBeInstanceOf(Date);
      expect(row?.reportedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(row?.reportedAt.getTime()).toBeLessThanOrEqual(after);
    });

    it('stores and reads back a large report whole', async () => {
      const repository = randomName('tv');
      const node = randomName('node');
      const many = Array.from({ length: 230 }, (_, i) => totals(repository, { endpoint: `GET /tv/e${String(i).padStart(3, '0')}`, calls: i + 1 }));
      await store.report(node, many);
      const rows = await store.read(repository);
      expect(rows).toHaveLength(230);
      expect(rows.reduce((sum, row) => sum + row.calls, 0)).toBe((230 * 231) / 2);
    });

    it('forgets rows that are not reported again within the time to live (a node that is gone)', async () => {
      // Two seconds, not one: Cassandra counts expiry in whole seconds, so a one-second row may be gone at once.
      const shortLived = await open(2);
      const repository = randomName('tv');
      await shortLived.report(randomName('node'), [totals(repository)]);
      expect(await shortLived.read(repository)).toHaveLength(1);
      await expectEventually(async () => expect(await shortLived.read(repository)).toEqual([]), { timeoutMs: 6_000, intervalMs: 100 });
    });
  });
}
