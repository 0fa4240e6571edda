/**
 * `git blame --porcelain` as the oracle for blame(): the same linear history of one file is
 * committed to a throwaway git repository, and every line's commit must be the one git names.
 * `alignLines` (the line diff blame is built on) is also checked against `git diff --no-index`.
 * In the `int` project because it runs the git CLI; it needs no Kafka or Cassandra.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GitSandbox } from '../diff/git-sandbox-test.util';
import { textEditor } from '../diff/text-edits-test.util';
import { blame, type FileVersionAtCommit } from './blame.util';
import { alignLines } from './line-alignment.util';

const PATH = 'pricing.js';
const sandboxes: GitSandbox[] = [];
afterAll(() => {
  for (const sandbox of sandboxes) sandbox.remove();
});

/** Commits each content in turn (null deletes the file) and returns the versions as blame() takes them. */
function commitHistory(contents: readonly (string | null)[]): { sandbox: GitSandbox; versions: FileVersionAtCommit[] } {
  const sandbox = new GitSandbox();
  sandboxes.push(sandbox);
  const versions = contents.map((content) => ({ commit: sandbox.commit(new Map([[PATH, content]])), content }));
  return { sandbox, versions };
}

/** Line -> commit as `git blame --porcelain` reports it at `commit`. */
function gitBlame(sandbox: GitSandbox, commit: string): { line: number; commit: string; content: string }[] {
  const lines: { line: number; commit: string; content: string }[] = [];
  let current: { line: number; commit: string } | undefined;
  for (const row of sandbox.git(['blame', '--porcelain', commit, '--', PATH]).split('\n')) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(row);
    if (header) current = { commit: header[1] ?? '', line: Number(header[2]) };
    else if (row.startsWith('\t') && current) lines.push({ ...current, content: row.slice(1) });
  }
  return lines;
}

/** blame() of every prefix of the history equals git blame at that commit. */
function expectBlameMatchesGitAtEveryCommit(sandbox: GitSandbox, versions: readonly FileVersionAtCommit[]): void {
  versions.forEach((version, index) => {
    if (version.content === null) return;
    const ours = blame(versions.slice(0, index + 1));
    const label = (commit: string): string => `c${versions.findIndex((v) => v.commit === commit) + 1}`;
    const show = (lines: { line: number; commit: string; content: string }[]): string[] => lines.map((l) => `${l.line} ${label(l.commit)} ${l.content}`);
    expect(show(ours), `blame at c${index + 1}`).toEqual(show(gitBlame(sandbox, version.commit)));
  });
}

const V1 = `// Pricing helpers for the device API.
'use strict';

export function add(a, b) {
  return a + b;
}

export function sub(a, b) {
  return a - b;
}
`;

describe('blame against git blame --porcelain', () => {
  it('credits the same commits as git through inserts, edits, deletions and a final newline', () => {
    const v2 = V1.replace('export function sub', 'export function mul(a, b) {\n  return a * b;\n}\n\nexport function sub');
    const v3 = v2.replace('  return a + b;\n', '  const sum = a + b;\n  return sum;\n');
    const v4 = v3.replace("// Pricing helpers for the device API.\n'use strict';\n", '// Pricing helpers.\n');
    const v5 = v4.replace('  return a * b;\n', '  if (b === 0) return 0;\n  return a * b;\n') + '\nexport function neg(a) {\n  return -a;\n}';
    const v6 = v5.replace('export function sub(a, b) {\n  return a - b;\n}\n\n', '') + '\n';
    const v7 = v6.replace('}\n\nexport function neg', '}\n\nexport function abs(a) {\n  return a < 0 ? -a : a;\n}\n\nexport function neg');
    const v8 = v7.replace('  const sum = a + b;\n  return sum;\n', '  return a + b;\n').replace('  return -a;\n', '  return 0 - a;\n');
    const v9 = v8.replace('  return a + b;\n}\n', '  return a + b;\n}\n\n}\n');
    const { sandbox, versions } = commitHistory([V1, v2, v3, v4, v5, v6, v7, v8, v9]);
    expectBlameMatchesGitAtEveryCommit(sandbox, versions);
  });

  it('credits every line of a deleted and re-added file to the commit that re-added it, as git does', () => {
    const { sandbox, versions } = commitHistory([V1, V1.replace('a - b', 'b - a'), null, V1, V1.replace('a + b', 'b + a')]);
    expectBlameMatchesGitAtEveryCommit(sandbox, versions);
    expect(new Set(blame(versions).map((l) => l.commit))).toEqual(new Set([versions[3]?.commit, versions[4]?.commit]));
  });

  it('matches git on 25 random histories of 8 commits: line edits, whole functions, repeated lines', () => {
    const editor = textEditor(424_242);
    for (let history = 0; history < 25; history++) {
      const contents: string[] = [editor.script(1 + Math.floor(editor.random() * 8))];
      for (let c = 1; c < 8; c++) contents.push(editor.edit(contents[c - 1] ?? '', { maxEdits: 3, repeated: editor.pick([0, 0.3, 0.7]) }));
      const { sandbox, versions } = commitHistory(contents);
      expectBlameMatchesGitAtEveryCommit(sandbox, versions);
    }
  });
});

describe('alignLines against git diff --no-index', () => {
  const sandbox = new GitSandbox();
  sandboxes.push(sandbox);

  /** The lines `git diff -U0` marks as removed (old side) and added (new side). */
  function gitAlignment(oldLines: readonly string[], newLines: readonly string[]): { oldChanged: boolean[]; newChanged: boolean[] } {
    const out = sandbox.diffTexts(oldLines.join(''), newLines.join(''));
    const oldChanged = new Array<boolean>(oldLines.length).fill(false);
    const newChanged = new Array<boolean>(newLines.length).fill(false);
    for (const match of out.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
      const [, oldStart = '0', oldCount = '1', newStart = '0', newCount = '1'] = match;
      oldChanged.fill(true, Number(oldStart) - 1, Number(oldStart) - 1 + Number(oldCount));
      newChanged.fill(true, Number(newStart) - 1, Number(newStart) - 1 + Number(newCount));
    }
    return { oldChanged, newChanged };
  }

  const split = (text: string): string[] => text.split(/(?<=\n)/).filter((l) => l !== '');

  it('marks the same lines as git for 400 random edits of scripts and of repetitive text', () => {
    const editor = textEditor(99);
    for (let round = 0; round < 400; round++) {
      const original = round % 2 === 0 ? editor.script(1 + Math.floor(editor.random() * 10)) : editor.text(3 + Math.floor(editor.random() * 30), 0.7);
      const before = split(original);
      const after = split(editor.edit(original, { maxEdits: 3, repeated: editor.pick([0, 0.5, 0.9]) }));
      expect(alignLines(before, after), `${JSON.stringify(original)} -> ${JSON.stringify(after.join(''))}`).toEqual(gitAlignment(before, after));
    }
  });

  it('marks the same lines as git for large rewrites, where git stops looking for the shortest diff', () => {
    const editor = textEditor(101);
    for (const [lines, edits] of [
      [2_000, 200],
      [5_000, 1_500],
    ] as const) {
      const before = split(editor.text(lines, 0.5));
      let after = before.join('');
      for (let e = 0; e < edits; e++) after = editor.edit(after, { maxEdits: 3, repeated: 0.5 });
      expect(alignLines(before, split(after))).toEqual(gitAlignment(before, split(after)));
    }
    const a = split(editor.text(5_000, 0.5));
    const b = split(editor.text(5_000, 0.5));
    expect(alignLines(a, b)).toEqual(gitAlignment(a, b));
  });
});
