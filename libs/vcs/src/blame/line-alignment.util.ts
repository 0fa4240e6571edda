/**
 * Which lines of two versions of a file a line diff keeps and which it changes, placed where
 * git places them. A minimal line diff is often ambiguous: inserting `}\n\n` after a `}\n\n`
 * can be shown at either place, and blame then credits different lines. jsdiff's Myers
 * diff picks the first place it finds; git slides each run of changed lines to where it pairs
 * up with a run changed on the other side or else, by its default "indent heuristic", to where
 * the run's edges look most like block boundaries. `alignLines` runs the diff with jsdiff and
 * then places the runs by those same rules, so blame credits the lines that `git blame` does.
 */
import { diffArrays } from 'diff';
import { bestSplitEnd } from './indent-heuristic.util';

export interface LineAlignment {
  /** `oldChanged[i]`: line i of the old version is not kept (deleted or replaced). */
  oldChanged: boolean[];
  /** `newChanged[j]`: line j of the new version is not kept (inserted or a replacement). */
  newChanged: boolean[];
}

export function alignLines(oldLines: readonly string[], newLines: readonly string[]): LineAlignment {
  const oldChanged = new Array<boolean>(oldLines.length).fill(false);
  const newChanged = new Array<boolean>(newLines.length).fill(false);
  // Like git: the common head and tail are kept as they are, and lines that occur only on one
  // side are changed for sure, so only the rest goes through the diff. Besides being cheaper, this
  // decides ties between equally short diffs the way git does more often than diffing everything.
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head++;
  let tail = 0;
  while (
    tail < oldLines.length - head &&
    tail < newLines.length - head &&
    oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]
  ) {
    tail++;
  }
  const oldRest = candidates(oldLines, head, oldLines.length - tail, newLines, head, newLines.length - tail, oldChanged);
  const newRest = candidates(newLines, head, newLines.length - tail, oldLines, head, oldLines.length - tail, newChanged);
  let i = 0;
  let j = 0;
  for (const change of diffArrays(oldRest.map((k) => oldLines[k]), newRest.map((k) => newLines[k]))) {
    const count = change.count;
    if (change.removed) {
      for (const k of oldRest.slice(i, i + count)) oldChanged[k] = true;
      i += count;
    } else if (change.added) {
      for (const k of newRest.slice(j, j + count)) newChanged[k] = true;
      j += count;
    } else {
      i += count;
      j += count;
    }
  }
  // Same order as git: first the old side's runs against the new side, then the new side's.
  slideRuns(oldLines, oldChanged, newChanged);
  slideRuns(newLines, newChanged, oldChanged);
  return { oldChanged, newChanged };
}

/** Indexes in [from, to) of `lines` whose line occurs in [otherFrom, otherTo) of `other`; the others are marked changed. */
function candidates(lines: readonly string[], from: number, to: number, other: readonly string[], otherFrom: number, otherTo: number, changed: boolean[]): number[] {
  const present = new Set(other.slice(otherFrom, otherTo));
  const kept: number[] = [];
  for (let k = from; k < to; k++) {
    if (present.has(lines[k] ?? '')) kept.push(k);
    else changed[k] = true;
  }
  return kept;
}

/**
 * Moves each run of changed lines of `lines` to its canonical place, keeping the kept lines of
 * both sides paired in order. Shifting a run [start, end) down by one line is allowed when
 * lines[start] equals lines[end]: the kept line lines[end] is then represented by lines[start]
 * instead, which pairs with the same line on the other side. A run first moves all the way up,
 * then all the way down (merging with runs it touches), and finally stops at the lowest place
 * where the other side also has changed lines between the same kept pair, if there is one, or
 * else where the indent heuristic puts it.
 */
function slideRuns(lines: readonly string[], changed: boolean[], otherChanged: readonly boolean[]): void {
  const n = lines.length;
  const m = otherChanged.length;
  // Other side: the first changed line of the gap at `from`, and the gap's end (a kept line or m).
  const gapEnd = (from: number): number => {
    let k = from;
    while (k < m && otherChanged[k] === true) k++;
    return k;
  };
  const gapStart = (end: number): number => {
    let k = end;
    while (k > 0 && otherChanged[k - 1] === true) k--;
    return k;
  };
  let i = 0;
  let j = 0;
  while (i < n) {
    if (changed[i] !== true) {
      j = gapEnd(j) + 1; // lines[i] is kept: it pairs with the next kept line on the other side
      i++;
      continue;
    }
    let start = i;
    let end = i;
    while (end < n && changed[end] === true) end++;
    let otherStart = j;
    let otherEnd = gapEnd(j);
    let size: number;
    let earliestEnd: number;
    let alignedEnd: number;
    do {
      size = end - start;
      while (start > 0 && lines[start - 1] === lines[end - 1]) {
        // Up by one: lines[start - 1] becomes changed, lines[end - 1] kept (it takes the pairing
        // of lines[start - 1] with otherChanged's kept line otherStart - 1).
        changed[--start] = true;
        changed[--end] = false;
        otherEnd = otherStart - 1;
        otherStart = gapStart(otherEnd);
        while (start > 0 && changed[start - 1] === true) start--;
      }
      earliestEnd = end;
      alignedEnd = otherEnd > otherStart ? end : -1;
      while (end < n && lines[start] === lines[end]) {
        changed[start++] = false;
        changed[end++] = true;
        otherStart = otherEnd + 1;
        otherEnd = gapEnd(otherStart);
        while (end < n && changed[end] === true) end++;
        if (otherEnd > otherStart) alignedEnd = end;
      }
    } while (size !== end - start);
    if (end !== earliestEnd) {
      const target = alignedEnd !== -1 ? alignedEnd : bestSplitEnd(lines, earliestEnd, end, end - start);
      while (end > target) {
        changed[--start] = true;
        changed[--end] = false;
        otherEnd = otherStart - 1;
        otherStart = gapStart(otherEnd);
      }
    }
    i = end;
    j = otherEnd;
  }
}
