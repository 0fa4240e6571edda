/**
 * `git diff --no-index` as the oracle for gitHunks: the same hunks, line for line, including
 * where jsdiff (and so today's unifiedDiff) places an ambiguous change elsewhere.
 * In the `int` project because it runs the git CLI; it needs no Kafka or Cassandra.
 */
import { structuredPatch } from 'diff';
import { afterAll, describe, expect, it } from 'vitest';
import { GitSandbox } from './git-sandbox-test.util';
import { gitHunks, type LineHunk } from './git-hunks.util';
import { textEditor } from './text-edits-test.util';

const sandbox = new GitSandbox();
afterAll(() => sandbox.remove());

/** Hunks as text without git's function context after '@@', which unifiedDiff adds itself. */
function render(hunks: readonly LineHunk[]): string[] {
  const range = (start: number, lines: number): string => (lines === 1 ? `${start}` : `${start},${lines}`);
  return hunks.flatMap((h) => [
    `@@ -${range(h.oldLines === 0 ? h.oldStart - 1 : h.oldStart, h.oldLines)} +${range(h.newLines === 0 ? h.newStart - 1 : h.newStart, h.newLines)} @@`,
    ...h.lines,
  ]);
}

function gitDiffHunks(before: string, after: string): string[] {
  const lines = sandbox.diffTexts(before, after, 3).split('\n');
  lines.pop();
  const first = lines.findIndex((line) => line.startsWith('@@'));
  return first === -1 ? [] : lines.slice(first).map((line) => (line.startsWith('@@') ? line.replace(/^(@@ [^@]* @@).*$/, '$1') : line));
}

describe('gitHunks against git diff --no-index', () => {
  it('gives git hunks for 400 random edits, where jsdiff differs from git in some', () => {
    const editor = textEditor(4_711);
    let jsdiffDiffers = 0;
    for (let round = 0; round < 400; round++) {
      const before = round % 3 === 0 ? editor.script(1 + Math.floor(editor.random() * 10)) : editor.text(Math.floor(editor.random() * 50), editor.pick([0.2, 0.6]));
      const after = editor.edit(before, { maxEdits: 4, repeated: editor.pick([0, 0.5]) });
      const git = gitDiffHunks(before, after);
      expect(render(gitHunks(before, after)), `${JSON.stringify(before)} -> ${JSON.stringify(after)}`).toEqual(git);
      if (JSON.stringify(render(structuredPatch('f', 'f', before, after, '', '', { context: 3 }).hunks)) !== JSON.stringify(git)) jsdiffDiffers++;
    }
    expect(jsdiffDiffers).toBeGreaterThan(0);
  });

  it('gives git hunks for added, emptied and newline-only changes', () => {
    for (const [before, after] of [
      ['', 'a\nb\n'],
      ['a\nb\n', ''],
      ['a\nb', 'a\nb\n'],
      ['x\n'.repeat(20), `${'x\n'.repeat(10)}y\n${'x\n'.repeat(10)}`],
      ['}\n}\n}\n}\n', 'a\nb\nc\nd\ne\nf\n}\ng\n'],
    ] as const) {
      expect(render(gitHunks(before, after))).toEqual(gitDiffHunks(before, after));
    }
  });
});
