/**
 * The diff between two file sets as data (files, hunks, lines) instead of git-format text.
 * It is read back from `unifiedDiff`'s output rather than computed again, so the two cannot
 * disagree: same hunks, same '@@' lines with git's function context, same line order. (Where
 * unifiedDiff places an ambiguous change elsewhere than git does, so does this; git-hunks.util.ts
 * has git's placement, ready for unifiedDiff to use.)
 */
import { unifiedDiff, type FileVersion } from '../unified-diff';
import type { DiffHunk, FileDiff } from './file-diff.type';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** One entry per path whose blob differs between `before` and `after`, in git's path order (UTF-8 bytes). */
export function structuredDiff(before: ReadonlyMap<string, FileVersion>, after: ReadonlyMap<string, FileVersion>): FileDiff[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort(byUtf8Bytes);
  const diffs: FileDiff[] = [];
  for (const path of paths) {
    const oldVersion = before.get(path) ?? null;
    const newVersion = after.get(path) ?? null;
    if (oldVersion?.blob === newVersion?.blob) continue;
    const hunks = parseHunks(unifiedDiff(path, oldVersion, newVersion));
    let added = 0;
    let removed = 0;
    for (const hunk of hunks) {
      for (const line of hunk.lines) {
        if (line.startsWith('+')) added++;
        else if (line.startsWith('-')) removed++;
      }
    }
    diffs.push({
      path,
      status: oldVersion === null ? 'added' : newVersion === null ? 'deleted' : 'modified',
      oldBlob: oldVersion?.blob ?? null,
      newBlob: newVersion?.blob ?? null,
      added,
      removed,
      hunks,
    });
  }
  return diffs;
}

/**
 * The hunks of one file's git-format diff. Lines before the first '@@' are the file header;
 * after it every line starts with ' ', '-', '+' or '\' (hunk content never holds a line break),
 * so a line starting with '@@' always opens the next hunk.
 */
function parseHunks(text: string): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  let current: DiffHunk | undefined;
  const lines = text.split('\n');
  lines.pop(); // the text ends with '\n'
  for (const line of lines) {
    const header = HUNK_HEADER.exec(line);
    if (header !== null) {
      current = {
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        header: line,
        lines: [],
      };
      hunks.push(current);
    } else if (current !== undefined) {
      current.lines.push(line);
    }
  }
  return hunks;
}

function byUtf8Bytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
