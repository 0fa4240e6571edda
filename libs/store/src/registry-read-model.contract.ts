/**
 * The RegistryReadModel port's contract, run against every adapter. Repository names are random;
 * listings are filtered to a test's own repositories.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomName } from '@dsp/testing';
import type { RegistryEntry, RegistryReadModel } from './registry-read-model.port';

function entry(repository: string, revision: number, commit = `${revision}`.padStart(40, 'c')): RegistryEntry {
  return {
    repository,
    commit,
    revision,
    endpoints: [
      { method: 'GET', path: `/r${revision}/hello`, script: 'hello.js' },
      { method: 'POST', path: '/ratings/:id', script: 'lib/rate.js', timeoutMs: 500, memoryMb: 16 },
    ],
    scripts: [
      { path: 'hello.js', blob: 'b'.repeat(40) },
      { path: 'lib/rate.js', blob: `${revision}`.padStart(40, 'd') },
    ],
  };
}

export function describeRegistryReadModelContract(name: string, open: () => Promise<RegistryReadModel> | RegistryReadModel): void {
  describe(`RegistryReadModel contract: ${name}`, () => {
    let registry: RegistryReadModel;
    const repoName = (): string => randomName('repo').replace(/_/g, '-');

    beforeAll(async () => {
      registry = await open();
    });

    it('stores an entry per repository and lists it', async () => {
      const [a, b] = [repoName(), repoName()];
      await registry.put(entry(a, 2));
      await registry.put(entry(b, 4));
      expect(await registry.get(a)).toEqual(entry(a, 2));
      expect(await registry.get(repoName())).toBeNull();
      const listed = (await registry.list()).filter((e) => e.repository === a || e.repository === b);
      expect(listed.sort((x, y) => x.revision - y.revision)).toEqual([entry(a, 2), entry(b, 4)]);
    });

    it('never moves backwards: an entry of a lower revision after a higher one changes nothing', async () => {
      const repository = repoName();
      await registry.put(entry(repository, 6));
      await registry.put(entry(repository, 4));
      expect(await registry.get(repository)).toEqual(entry(repository, 6));

      await registry.put(entry(repository, 8));
      expect(await registry.get(repository)).toEqual(entry(repository, 8));
    });

    it('is idempotent: the same entry twice leaves one entry', async () => {
      const repository = repoName();
      await registry.put(entry(repository, 3));
      await registry.put(entry(repository, 3));
      expect(await registry.get(repository)).toEqual(entry(repository, 3));
      expect((await registry.list()).filter((e) => e.repository === repository)).toEqual([entry(repository, 3)]);
    });

    it('lists every entry, beyond one driver page (10,001 repositories): a gateway loads the whole registry', async () => {
      const prefix = repoName();
      const names = Array.from({ length: 10_001 }, (_, i) => `${prefix}-${i}`);
      for (let i = 0; i < names.length; i += 200) {
        await Promise.all(names.slice(i, i + 200).map((repository) => registry.put({ repository, commit: 'a'.repeat(40), revision: 1, endpoints: [], scripts: [] })));
      }
      const listed = (await registry.list()).filter((e) => e.repository.startsWith(`${prefix}-`));
      expect(new Set(listed.map((e) => e.repository)).size).toBe(names.length);
    }, 120_000);

    it('stores a repository with no endpoints', async () => {
      const repository = repoName();
      const empty: RegistryEntry = { repository, commit: 'e'.repeat(40), revision: 1, endpoints: [], scripts: [] };
      await registry.put(empty);
      expect(await registry.get(repository)).toEqual(empty);
    });
  });
}
