/**
 * `git diff --numstat` as the oracle for the added/removed counts of structuredDiff. The same file
 * sets are committed to a throwaway git repository; git runs without rename detection because
 * structuredDiff reports a rename as a deletion and an addition.
 * In the `int` project because it runs the git CLI; it needs no Kafka or Cassandra.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FileVersion } from '../unified-diff';
import { GitSandbox } from './git-sandbox-test.util';
import { structuredDiff } from './structured-diff.util';
import { textEditor } from './text-edits-test.util';

const sandbox = new GitSandbox();
afterAll(() => sandbox.remove());

/** Commits `files` as the whole tree (earlier files not named are deleted) and returns the commit and the tree as FileVersions. */
function commitTree(files: ReadonlyMap<string, string>, previous: ReadonlyMap<string, FileVersion>): { commit: string; tree: Map<string, FileVersion> } {
  const writes = new Map<string, string | null>([...previous.keys()].map((path) => [path, null]));
  for (const [path, content] of files) writes.set(path, content);
  const commit = sandbox.commit(writes);
  const tree = new Map([...files].map(([path, content]) => [path, { blob: sandbox.blobOf(content), content }]));
  return { commit, tree };
}

/** path -> [added, removed] from `git diff --numstat`. */
function numstat(from: string, to: string): Map<string, [number, number]> {
  const out = sandbox.git(['diff', '--numstat', '--no-renames', from, to]);
  return new Map(
    out
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [added = '', removed = '', path = ''] = line.split('\t');
        return [path, [Number(added), Number(removed)]];
      }),
  );
}

describe('structuredDiff against git diff --numstat', () => {
  it('counts the same added and removed lines as git for 80 random revisions of a repository', () => {
    const editor = textEditor(7_001);
    let files = new Map<string, string>();
    let previous = commitTree(files, new Map());
    for (let round = 0; round < 80; round++) {
      const next = new Map(files);
      for (const path of ['lib/a.js', 'lib/b.js', 'routes/c.js', 'd.mjs', 'dsp.json']) {
        const current = next.get(path);
        const fate = editor.random();
        if (current === undefined) {
          if (fate < 0.5) next.set(path, editor.text(Math.floor(editor.random() * 60), editor.pick([0.1, 0.5])));
        } else if (fate < 0.08) next.delete(path);
        else if (fate < 0.7) next.set(path, editor.edit(current, { maxEdits: 5, repeated: editor.pick([0.1, 0.5, 0.8]) }));
      }
      const current = commitTree(next, previous.tree);
      const diffs = structuredDiff(previous.tree, current.tree);
      const git = numstat(previous.commit, current.commit);
      expect(new Map(diffs.map((d) => [d.path, [d.added, d.removed]]))).toEqual(git);
      previous = current;
      files = next;
    }
  });

  it('counts the same as git for a large rewrite of a long file', () => {
    const editor = textEditor(7_002);
    const before = new Map([['big.js', editor.text(3_000, 0.3)]]);
    let content = before.get('big.js') ?? '';
    for (let i = 0; i < 40; i++) content = editor.edit(content, { maxEdits: 5, repeated: 0.3 });
    const first = commitTree(before, new Map());
    const second = commitTree(new Map([['big.js', content]]), first.tree);
    const [diff] = structuredDiff(first.tree, second.tree);
    expect(new Map([[diff?.path, [diff?.added, diff?.removed]]])).toEqual(numstat(first.commit, second.commit));
  });
});
