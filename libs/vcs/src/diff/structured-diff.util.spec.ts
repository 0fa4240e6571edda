import { describe, expect, it } from 'vitest';
import { unifiedDiff, type FileVersion } from '../unified-diff';
import type { FileDiff } from './file-diff.type';
import { structuredDiff } from './structured-diff.util';
import { textEditor } from './text-edits-test.util';

/** A stand-in blob id: distinct contents get distinct ids, which is all structuredDiff relies on. */
function version(content: string): FileVersion {
  let hash = 0x811c9dc5;
  for (const char of content) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0;
  return { blob: `${hash.toString(16).padStart(8, '0')}${content.length.toString(16).padStart(32, '0')}`, content };
}

function files(entries: Record<string, string>): Map<string, FileVersion> {
  return new Map(Object.entries(entries).map(([path, content]) => [path, version(content)]));
}

/** FileDiff back to git-format text, the way unifiedDiff lays it out. */
function render(diff: FileDiff): string {
  const { path, oldBlob, newBlob } = diff;
  const short = (blob: string | null): string => (blob === null ? '0000000' : blob.slice(0, 7));
  const out = [`diff --git a/${path} b/${path}`];
  if (diff.status === 'added') out.push('new file mode 100644', `index ${short(null)}..${short(newBlob)}`);
  else if (diff.status === 'deleted') out.push('deleted file mode 100644', `index ${short(oldBlob)}..${short(null)}`);
  else out.push(`index ${short(oldBlob)}..${short(newBlob)} 100644`);
  if (diff.hunks.length > 0) {
    out.push(diff.status === 'added' ? '--- /dev/null' : `--- a/${path}`, diff.status === 'deleted' ? '+++ /dev/null' : `+++ b/${path}`);
  }
  for (const hunk of diff.hunks) out.push(hunk.header, ...hunk.lines);
  return `${out.join('\n')}\n`;
}

function expectAgreesWithUnifiedDiff(before: ReadonlyMap<string, FileVersion>, after: ReadonlyMap<string, FileVersion>): FileDiff[] {
  const diffs = structuredDiff(before, after);
  for (const diff of diffs) {
    expect(render(diff)).toBe(unifiedDiff(diff.path, before.get(diff.path) ?? null, after.get(diff.path) ?? null));
    for (const hunk of diff.hunks) {
      const range = (start: number, lines: number): string => (lines === 1 ? `${start}` : `${start},${lines}`);
      expect(hunk.header.startsWith(`@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@`)).toBe(true);
      expect(hunk.lines.filter((l) => l.startsWith(' ') || l.startsWith('-')).length).toBe(hunk.oldLines);
      expect(hunk.lines.filter((l) => l.startsWith(' ') || l.startsWith('+')).length).toBe(hunk.newLines);
    }
    const lines = diff.hunks.flatMap((h) => h.lines);
    expect(diff.added).toBe(lines.filter((l) => l.startsWith('+')).length);
    expect(diff.removed).toBe(lines.filter((l) => l.startsWith('-')).length);
  }
  return diffs;
}

describe('structuredDiff', () => {
  it('lists added, deleted and modified files in path order and leaves out unchanged ones', () => {
    const before = files({ 'b.js': 'b\n', 'a.js': 'a\n', 'same.js': 's\n', 'gone.js': 'g\n' });
    const after = files({ 'b.js': 'b2\n', 'a.js': 'a\n', 'same.js': 's\n', 'new/x.js': 'x\n', 'A.js': 'upper\n' });
    const diffs = expectAgreesWithUnifiedDiff(before, after);
    expect(diffs.map((d) => [d.path, d.status, d.added, d.removed])).toEqual([
      ['A.js', 'added', 1, 0],
      ['b.js', 'modified', 1, 1],
      ['gone.js', 'deleted', 0, 1],
      ['new/x.js', 'added', 1, 0],
    ]);
    const added = diffs[0];
    expect(added?.oldBlob).toBeNull();
    expect(added?.newBlob).toBe(after.get('A.js')?.blob);
    expect(diffs[2]?.newBlob).toBeNull();
  });

  it('gives hunks with git line numbers, the function context header and the lines', () => {
    const before = files({ 'math.js': 'export function add(a, b) {\n  const sum = a + b;\n  return sum;\n}\n\nexport function sub(a, b) {\n  return a - b;\n}\n' });
    const after = files({ 'math.js': 'export function add(a, b) {\n  const sum = a + b;\n  return sum;\n}\n\nexport function sub(a, b) {\n  const difference = a - b;\n  return difference;\n}\n' });
    const [diff] = expectAgreesWithUnifiedDiff(before, after);
    expect(diff?.hunks).toEqual([
      {
        oldStart: 4,
        oldLines: 5,
        newStart: 4,
        newLines: 6,
        header: '@@ -4,5 +4,6 @@ export function add(a, b) {',
        lines: [' }', ' ', ' export function sub(a, b) {', '-  return a - b;', '+  const difference = a - b;', '+  return difference;', ' }'],
      },
    ]);
  });

  it('marks a missing final newline and counts the changed last line once on each side', () => {
    const [diff] = expectAgreesWithUnifiedDiff(files({ 'a.js': 'x\ny' }), files({ 'a.js': 'x\ny\n' }));
    expect(diff?.hunks[0]?.lines).toEqual([' x', '-y', '\\ No newline at end of file', '+y']);
    expect([diff?.added, diff?.removed]).toEqual([1, 1]);
  });

  it('shows an added or deleted empty file with no hunks', () => {
    const diffs = expectAgreesWithUnifiedDiff(files({ 'gone.txt': '' }), files({ 'empty.txt': '' }));
    expect(diffs.map((d) => [d.path, d.status, d.hunks.length, d.added, d.removed])).toEqual([
      ['empty.txt', 'added', 0, 0, 0],
      ['gone.txt', 'deleted', 0, 0, 0],
    ]);
  });

  it('keeps a carriage return and hunk-like text inside lines as content', () => {
    const [diff] = expectAgreesWithUnifiedDiff(files({ 'a.txt': 'one\r\n@@ -1 +1 @@\ntwo\n' }), files({ 'a.txt': 'one\r\n@@ -1 +1 @@ changed\ntwo\n' }));
    expect(diff?.hunks).toHaveLength(1);
    expect(diff?.hunks[0]?.lines).toEqual([' one\r', '-@@ -1 +1 @@', '+@@ -1 +1 @@ changed', ' two']);
  });

  it('orders paths by their UTF-8 bytes, as git does', () => {
    const diffs = structuredDiff(new Map(), files({ 'z.js': '1\n', '\u{1F600}.js': '2\n', '\uFF5E.js': '3\n', 'Z.js': '4\n' }));
    expect(diffs.map((d) => d.path)).toEqual(['Z.js', 'z.js', '\uFF5E.js', '\u{1F600}.js']);
  });

  it('returns nothing for identical file sets', () => {
    const same = files({ 'a.js': 'a\n', 'b/c.js': 'c\n' });
    expect(structuredDiff(same, new Map(same))).toEqual([]);
  });

  it('agrees line for line with unifiedDiff on 400 random edits of script-like files', () => {
    const editor = textEditor(20_240_601);
    for (let round = 0; round < 400; round++) {
      const before = new Map<string, FileVersion>();
      const after = new Map<string, FileVersion>();
      const fileCount = 1 + Math.floor(editor.random() * 4);
      for (let f = 0; f < fileCount; f++) {
        const path = `${editor.pick(['lib', 'routes', 'x'])}/${f}-${round % 7}.js`;
        const original = editor.text(Math.floor(editor.random() * 40), editor.pick([0.1, 0.4, 0.8]));
        const fate = editor.random();
        if (fate < 0.1) before.set(path, version(original));
        else if (fate < 0.2) after.set(path, version(original));
        else {
          before.set(path, version(original));
          after.set(path, version(fate < 0.3 ? original : editor.edit(original, { maxEdits: 4, repeated: 0.4 })));
        }
      }
      const diffs = expectAgreesWithUnifiedDiff(before, after);
      const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p)?.content !== after.get(p)?.content);
      expect(diffs.map((d) => d.path)).toEqual(changed.sort()); // ASCII paths: code-unit order is byte order
    }
  });
});
