/**
 * Hunks of a line diff placed exactly as `git diff` places them (same lines changed, same hunk
 * boundaries), in the shape of jsdiff's `structuredPatch(...).hunks`, so that unifiedDiff can
 * take them instead: its text, structuredDiff and the added/removed counts then equal git's
 * output and `git diff --numstat` in every case, not only where jsdiff happens to choose as git.
 */
import { alignLines } from '../blame/line-alignment.util';

export interface LineHunk {
  /** 1-based first line of the hunk on each side (for an empty side: the line after the gap). */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** ' x', '-x', '+x' and '\ No newline at end of file'. */
  lines: string[];
}

export function gitHunks(oldText: string, newText: string, context = 3): LineHunk[] {
  const oldLines = splitLines(oldText);
  const newLines = splitLines(newText);
  const { oldChanged, newChanged } = alignLines(oldLines, newLines);
  const changes = changeGroups(oldChanged, newChanged);
  const hunks: LineHunk[] = [];
  for (let first = 0; first < changes.length; ) {
    // A hunk takes the following changes as long as at most 2 x context unchanged lines separate them.
    let last = first;
    for (let next = changes[last + 1]; next !== undefined; next = changes[last + 1]) {
      const previous = changes[last];
      if (previous === undefined || next.oldStart - previous.oldEnd > 2 * context) break;
      last++;
    }
    const head = changes[first];
    const tail = changes[last];
    if (head === undefined || tail === undefined) break;
    const lead = Math.min(context, head.oldStart);
    const trail = Math.min(context, oldLines.length - tail.oldEnd);
    const hunk: LineHunk = {
      oldStart: head.oldStart - lead + 1,
      oldLines: tail.oldEnd + trail - (head.oldStart - lead),
      newStart: head.newStart - lead + 1,
      newLines: tail.newEnd + trail - (head.newStart - lead),
      lines: [],
    };
    const emit = (prefix: string, line: string): void => {
      if (line.endsWith('\n')) hunk.lines.push(prefix + line.slice(0, -1));
      else hunk.lines.push(prefix + line, '\\ No newline at end of file');
    };
    let i = head.oldStart - lead;
    let j = head.newStart - lead;
    while (i < tail.oldEnd + trail || j < tail.newEnd + trail) {
      if (oldChanged[i] === true || newChanged[j] === true) {
        // A change: its removed lines first, then its added lines, as git prints them.
        while (oldChanged[i] === true) emit('-', oldLines[i++] ?? '');
        while (newChanged[j] === true) emit('+', newLines[j++] ?? '');
      } else {
        emit(' ', oldLines[i] ?? '');
        i++;
        j++;
      }
    }
    hunks.push(hunk);
    first = last + 1;
  }
  return hunks;
}

interface ChangeGroup {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/** The runs of changed lines, each with its place on both sides (0-based, end exclusive). */
function changeGroups(oldChanged: readonly boolean[], newChanged: readonly boolean[]): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  let i = 0;
  let j = 0;
  while (i < oldChanged.length || j < newChanged.length) {
    if (oldChanged[i] === true || newChanged[j] === true) {
      const group = { oldStart: i, oldEnd: i, newStart: j, newEnd: j };
      while (oldChanged[i] === true) i++;
      while (newChanged[j] === true) j++;
      group.oldEnd = i;
      group.newEnd = j;
      groups.push(group);
    } else {
      i++;
      j++;
    }
  }
  return groups;
}

function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== '');
}
