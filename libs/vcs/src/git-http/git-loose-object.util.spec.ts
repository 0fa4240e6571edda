/**
 * Loose objects rendered from read-model records hash to the ids git computes. The expected ids
 * were computed once with git 2.39 (`git add -A && git write-tree && git commit`) on these files.
 */
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EmbeddedVcsReadModel } from '@dsp/store';
import { sealTree } from '../git-objects.adapter';
import { GitObjectCorruptError, GitObjectNotFoundError } from './git-http.errors';
import { blobContent, commitContent, deflateLooseObject, looseObject, looseObjectId, treeContent } from './git-loose-object.util';
import { GitObjectReader } from './git-object.reader';

const FILES = new Map([
  ['dsp.json', '{"endpoints":[]}\n'],
  ['lib/util/x.js', 'export const x = 1;'],
  ['lib/a.js', 'export default 2;\n'],
  // Around the tree 'lib' in git's order: 'lib-b.js' < 'lib.js' < 'lib/' < 'lib0.js'.
  ['lib-b.js', 'b\n'],
  ['lib.js', 'dot\n'],
  ['lib0.js', '0\n'],
]);
const GIT = {
  root: '8042793a028def302bbd45b2a41cc6e540566adb',
  lib: 'e9cf64d89ba8e951967e7498c644307472a002c8',
  libUtil: 'c5de3ecb3f54fe0787aabacbaed0878e03160e93',
  noNewlineBlob: '856e96622db340fe994e808afc4c3ffc3d6647bb',
  commit: 'afe3ff28d8faef168c69f39e87a4df8e9c55e2a9',
};
const GRACE = { name: 'Grace Hopper', email: 'grace@example.com', timestamp: 1_700_000_000, timezoneOffset: -120 };

describe('git loose objects', () => {
  it('renders nested trees that hash to the ids git computes, in git order with mode 40000', async () => {
    const sealed = await sealTree(FILES, new Map());
    expect(sealed.tree).toBe(GIT.root);
    expect(Object.fromEntries(sealed.trees)).toEqual({ '': GIT.root, lib: GIT.lib, 'lib/util': GIT.libUtil });
    for (const tree of sealed.treeObjects) {
      // Shuffled on purpose: the rendering must not depend on the order it is given.
      const rendered = looseObject('tree', treeContent([...tree.entries].reverse()));
      expect(looseObjectId(rendered)).toBe(tree.id);
    }
    const root = sealed.treeObjects.find((t) => t.id === GIT.root);
    const names = treeContent(root?.entries ?? [])
      .toString('latin1')
      .split(/\0[\s\S]{20}/)
      .filter(Boolean);
    expect(names).toEqual(['100644 dsp.json', '100644 lib-b.js', '100644 lib.js', '40000 lib', '100644 lib0.js']);
  });

  it('renders blobs (also without a trailing newline) and commits as git does', () => {
    expect(looseObjectId(looseObject('blob', blobContent('export const x = 1;')))).toBe(GIT.noNewlineBlob);
    expect(looseObjectId(looseObject('blob', blobContent('')))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    const commit = { tree: GIT.root, parents: [], author: GRACE, committer: GRACE, message: 'Nested folders\n' };
    expect(looseObjectId(looseObject('commit', commitContent(commit)))).toBe(GIT.commit);
  });

  it('deflates `<type> <size>\\0<content>`', async () => {
    const deflated = await deflateLooseObject(looseObject('blob', blobContent('héllo\n')));
    expect(inflateSync(deflated).toString('utf8')).toBe('blob 7\0héllo\n');
  });
});

describe('GitObjectReader', () => {
  const given = async () => {
    const readModel = new EmbeddedVcsReadModel();
    const sealed = await sealTree(FILES, new Map());
    await readModel.putRepository({ name: 'tv', createdAt: '2024-01-01T00:00:00.000Z' });
    await readModel.putTrees('tv', sealed.treeObjects);
    await readModel.putBlobs('tv', [...sealed.blobs].map(([path, id]) => ({ id, content: FILES.get(path) ?? '' })));
    const commit = { tree: sealed.tree, parents: [], author: GRACE, committer: GRACE, message: 'Nested folders\n' };
    await readModel.putCommit({ repository: 'tv', commit: GIT.commit, ...commit, changes: [] });
    await readModel.moveRef({ repository: 'tv', name: 'main', commit: GIT.commit, revision: 2 });
    await readModel.moveRef({ repository: 'tv', name: 'feature', commit: GIT.commit, revision: 3 });
    return { readModel, reader: new GitObjectReader(readModel) };
  };

  it('serves every object of a commit, verified, by type', async () => {
    const { reader } = await given();
    expect((await reader.readObject('tv', GIT.commit)).type).toBe('commit');
    expect((await reader.readObject('tv', GIT.libUtil)).type).toBe('tree');
    const blob = await reader.readObject('tv', GIT.noNewlineBlob);
    expect(blob.object.toString('utf8')).toBe('blob 19\0export const x = 1;');
    expect(inflateSync(await reader.readLooseObject('tv', GIT.root)).subarray(0, 9).toString()).toBe('tree 171\0');
  });

  it('lists refs sorted by name and points HEAD at main', async () => {
    const { reader } = await given();
    expect(await reader.infoRefs('tv')).toBe(`${GIT.commit}\trefs/heads/feature\n${GIT.commit}\trefs/heads/main\n`);
    expect(await reader.head('tv')).toBe('ref: refs/heads/main\n');
    await expect(reader.infoRefs('nope')).rejects.toMatchObject({ code: 'repository-not-found' });
  });

  it('answers not-found for unknown objects, other repositories and malformed ids', async () => {
    const { reader, readModel } = await given();
    await readModel.putRepository({ name: 'other', createdAt: '2024-01-01T00:00:00.000Z' });
    await expect(reader.readObject('tv', 'f'.repeat(40))).rejects.toBeInstanceOf(GitObjectNotFoundError);
    await expect(reader.readObject('other', GIT.commit)).rejects.toBeInstanceOf(GitObjectNotFoundError);
    await expect(reader.readObject('tv', GIT.commit.toUpperCase())).rejects.toBeInstanceOf(GitObjectNotFoundError);
  });

  it('refuses to serve an object that does not hash to its id', async () => {
    const { reader, readModel } = await given();
    await readModel.putBlobs('tv', [{ id: GIT.noNewlineBlob, content: 'export const x = 2;' }]);
    await expect(reader.readObject('tv', GIT.noNewlineBlob)).rejects.toBeInstanceOf(GitObjectCorruptError);
  });
});
