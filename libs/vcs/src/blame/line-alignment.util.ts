/**
 * Which lines of two versions of a file a line diff keeps and which it changes, chosen as git
 * chooses them. Blame needs this to be git's choice, not just a shortest diff: when an edit
 * is ambiguous (a function inserted next to a function both ending in `}` and a blank line, a
 * duplicate line deleted) different diffs credit different commits. So this follows git's
 * xdiff step by step: keep the common head and tail; leave out lines that cannot match and
 * common lines lost among them; Myers' diff with git's tie-breaks; then slide each run of
 * changed lines to where it pairs with a change on the other side or else to where git's
 * indent heuristic puts it.
 *
 * Checked against `git diff` and `git blame` by blame.util.int-spec.ts.
 */
import { bestSplitEnd } from './indent-heuristic.util';
import { markEdits, roughSqrt } from './myers-diff.util';

export interface LineAlignment {
  /** `oldChanged[i]`: line i of the old version is not kept (deleted or replaced). */
  oldChanged: boolean[];
  /** `newChanged[j]`: line j of the new version is not kept (inserted or a replacement). */
  newChanged: boolean[];
}

/** A version's lines, each also as a number (equal lines, equal numbers) for fast comparison. */
export interface NumberedLines {
  text: readonly string[];
  ids: Int32Array;
}

/** Numbers `text` with `table`; versions numbered with the same table can be aligned. */
export function numberLines(text: readonly string[], table: Map<string, number>): NumberedLines {
  const ids = new Int32Array(text.length);
  text.forEach((line, i) => {
    let id = table.get(line);
    if (id === undefined) table.set(line, (id = table.size));
    ids[i] = id;
  });
  return { text, ids };
}

/** Which of the lines (each with its '\n') of two versions git's diff keeps and which it changes. */
export function alignLines(oldLines: readonly string[], newLines: readonly string[]): LineAlignment {
  const table = new Map<string, number>();
  return alignVersions(numberLines(oldLines, table), numberLines(newLines, table));
}

/** alignLines for versions already numbered with one table (blame numbers each version once). */
export function alignVersions(before: NumberedLines, after: NumberedLines): LineAlignment {
  const oldIds = before.ids;
  const newIds = after.ids;
  const oldChanged = new Array<boolean>(oldIds.length).fill(false);
  const newChanged = new Array<boolean>(newIds.length).fill(false);
  // Like git: the common head and tail are kept as they are, and lines that occur only on one
  // side are changed for sure, so only the rest goes through the diff.
  let head = 0;
  while (head < oldIds.length && head < newIds.length && oldIds[head] === newIds[head]) head++;
  let tail = 0;
  while (tail < oldIds.length - head && tail < newIds.length - head && oldIds[oldIds.length - 1 - tail] === newIds[newIds.length - 1 - tail]) {
    tail++;
  }
  const oldTo = oldIds.length - tail;
  const newTo = newIds.length - tail;
  const oldRest = candidates(oldIds, head, oldTo, occurrences(newIds, oldIds.subarray(head, oldTo)), oldChanged);
  const newRest = candidates(newIds, head, newTo, occurrences(oldIds, newIds.subarray(head, newTo)), newChanged);
  markEdits(
    oldRest.map((k) => oldIds[k] ?? 0),
    newRest.map((k) => newIds[k] ?? 0),
    oldRest,
    newRest,
    oldChanged,
    newChanged,
  );
  // Same order as git: first the old side's runs against the new side, then the new side's.
  slideRuns(before, oldChanged, newChanged);
  slideRuns(after, newChanged, oldChanged);
  return { oldChanged, newChanged };
}

/** How often each of `wanted` occurs in `ids` (the whole other version, as git counts). */
function occurrences(ids: Int32Array, wanted: Int32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const id of wanted) counts.set(id, 0);
  if (counts.size === 0) return counts;
  for (const id of ids) {
    const count = counts.get(id);
    if (count !== undefined) counts.set(id, count + 1);
  }
  return counts;
}

/**
 * 'unmatched': the line does not occur on the other side, so it is changed; 'common': it occurs
 * often there (a brace, a blank line); 'matched': it occurs there a few times.
 */
type Candidate = 'unmatched' | 'matched' | 'common';

/** How far around a common line `isNoise` looks. */
const NOISE_WINDOW = 100;

/**
 * Indexes in [from, to) of the lines worth diffing; the others are marked changed. Like git,
 * this leaves out lines that do not occur on the other side, and also common lines (braces,
 * blank lines) that sit among such lines, which would otherwise pair up with far-away copies.
 */
function candidates(ids: Int32Array, from: number, to: number, otherCounts: ReadonlyMap<number, number>, changed: boolean[]): Int32Array {
  const common = commonThreshold(ids.length);
  const kinds: Candidate[] = [];
  for (let k = from; k < to; k++) {
    const count = otherCounts.get(ids[k] ?? -1) ?? 0;
    kinds.push(count === 0 ? 'unmatched' : count >= common ? 'common' : 'matched');
  }
  const kept: number[] = [];
  kinds.forEach((kind, offset) => {
    if (kind === 'matched' || (kind === 'common' && !isNoise(kinds, offset))) kept.push(from + offset);
    else changed[from + offset] = true;
  });
  return Int32Array.from(kept);
}

/** A line counts as common when it occurs at least about sqrt(lines) times (as in git), at most 1024. */
function commonThreshold(lines: number): number {
  return Math.min(roughSqrt(lines), 1024);
}

/**
 * A common line is noise when the lines on both sides of it, up to the nearest matched line,
 * include unmatched ones and are mostly (more than 3 in 4) unmatched rather than common.
 */
function isNoise(kinds: readonly Candidate[], at: number): boolean {
  const run = (step: 1 | -1): { unmatched: number; common: number } => {
    let unmatched = 0;
    let common = 0;
    for (let k = at + step; k >= 0 && k < kinds.length && Math.abs(k - at) <= NOISE_WINDOW; k += step) {
      const kind = kinds[k];
      if (kind === 'unmatched') unmatched++;
      else if (kind === 'common') common++;
      else break;
    }
    return { unmatched, common };
  };
  const before = run(-1);
  if (before.unmatched === 0) return false;
  const after = run(1);
  if (after.unmatched === 0) return false;
  // The line itself is counted on both sides, as git does.
  const common = before.common + 1 + after.common + 1;
  const unmatched = before.unmatched + after.unmatched;
  return common * 4 < common + unmatched;
}

/**
 * Moves each run of changed lines of `version` to its canonical place, keeping the kept lines of
 * both sides paired in order. Shifting a run [start, end) down by one line is allowed when
 * lines[start] equals lines[end]: the kept line lines[end] is then represented by lines[start]
 * instead, which pairs with the same line on the other side. A run first moves all the way up,
 * then all the way down (merging with runs it touches), and finally stops at the lowest place
 * where the other side also has changed lines between the same kept pair, if there is one, or
 * else where the indent heuristic puts it.
 */
function slideRuns(version: NumberedLines, changed: boolean[], otherChanged: readonly boolean[]): void {
  const lines = version.ids;
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
      const target = alignedEnd !== -1 ? alignedEnd : bestSplitEnd(version.text, earliestEnd, end, end - start);
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
