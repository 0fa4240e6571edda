/**
 * Myers' O(ND) line diff in its linear-space form ("An O(ND) Difference Algorithm and Its
 * Variations", 1986, section 4b): find the middle snake of the edit graph, then split the box
 * there and repeat on both halves. Blame must pick the same lines as git among equally short
 * diffs, so the search breaks ties the way git's xdiff does (diagonals from the highest, an
 * insertion preferred over a deletion that gets as far, the forward search checked first) and, like git, gives
 * up on a shortest diff when one would cost too much (see HEURISTIC_COST_MIN). That also bounds
 * the cost of a huge rewrite to about lines x max(256, sqrt(lines)) instead of lines x edits.
 */

/**
 * Marks in `aChanged`/`bChanged` the lines of `a` and `b` (line ids, equal id = equal line) that
 * the edit script deletes or inserts. `aIndex`/`bIndex` give the line number each entry stands
 * for, so callers can diff a subsequence of the file (lines known to be changed left out).
 */
export function markEdits(a: Int32Array, b: Int32Array, aIndex: Int32Array, bIndex: Int32Array, aChanged: boolean[], bChanged: boolean[]): void {
  const offset = b.length + 1;
  const size = a.length + b.length + 3;
  const search: Search = {
    a,
    b,
    forward: new Int32Array(size),
    backward: new Int32Array(size),
    offset,
    costLimit: Math.max(GIVE_UP_COST_MIN, roughSqrt(size)),
  };
  // An explicit stack instead of recursion: boxes are split until one side is empty.
  const boxes: Box[] = [{ aFrom: 0, aTo: a.length, bFrom: 0, bTo: b.length, minimal: false }];
  for (let box = boxes.pop(); box !== undefined; box = boxes.pop()) {
    let { aFrom, aTo, bFrom, bTo } = box;
    while (aFrom < aTo && bFrom < bTo && a[aFrom] === b[bFrom]) {
      aFrom++;
      bFrom++;
    }
    while (aFrom < aTo && bFrom < bTo && a[aTo - 1] === b[bTo - 1]) {
      aTo--;
      bTo--;
    }
    if (aFrom === aTo) {
      for (let k = bFrom; k < bTo; k++) bChanged[bIndex[k] ?? 0] = true;
    } else if (bFrom === bTo) {
      for (let k = aFrom; k < aTo; k++) aChanged[aIndex[k] ?? 0] = true;
    } else {
      const split = middleSnake(search, { aFrom, aTo, bFrom, bTo, minimal: box.minimal });
      // Second half pushed first, so the first half is done first (only keeps the stack small).
      boxes.push(
        { aFrom: split.x, aTo, bFrom: split.y, bTo, minimal: split.minimalAfter },
        { aFrom, aTo: split.x, bFrom, bTo: split.y, minimal: split.minimalBefore },
      );
    }
  }
}

/**
 * Past this many edits in one box, git stops insisting on a shortest diff: it splits at a long
 * run of equal lines far along the search, or at last at the furthest point reached. Doing the
 * same keeps a huge rewrite from costing (lines x edits) and credits the lines git credits.
 */
const HEURISTIC_COST_MIN = 256;
const GIVE_UP_COST_MIN = 256;
/** A run of equal lines this long counts as a good place to split. */
const LONG_RUN = 20;
/** ...if the search got this many times further along than it spent edits. */
const PROGRESS_FACTOR = 4;

/** About sqrt(n), a power of two (git's bogosqrt). */
export function roughSqrt(n: number): number {
  let root = 1;
  for (let rest = n; rest > 0; rest >>= 2) root <<= 1;
  return root;
}

interface Box {
  aFrom: number;
  aTo: number;
  bFrom: number;
  bTo: number;
  /** Whether this box must get a shortest edit script (no giving up). */
  minimal: boolean;
}

interface Split {
  x: number;
  y: number;
  minimalBefore: boolean;
  minimalAfter: boolean;
}

interface Search {
  a: Int32Array;
  b: Int32Array;
  /** Furthest x reached on each diagonal k = x - y, stored at k + offset. */
  forward: Int32Array;
  /** Smallest x reached backwards on each diagonal. */
  backward: Int32Array;
  offset: number;
  costLimit: number;
}

/**
 * A point (x, y) on a shortest path through the box that splits it into two paths of about half
 * the edits each. Both searches advance one edit at a time, forward from the top left and
 * backward from the bottom right, until they overlap on a diagonal. Diagonals of one step share
 * a parity; they widen by one on each side per edit, and narrow where they meet the box.
 */
function middleSnake(s: Search, box: Box): Split {
  const { a, b, forward, backward, offset } = s;
  const { aFrom, aTo, bFrom, bTo } = box;
  const kMin = aFrom - bTo;
  const kMax = aTo - bFrom;
  const forwardMid = aFrom - bFrom;
  const backwardMid = aTo - bTo;
  const odd = ((forwardMid - backwardMid) & 1) !== 0;
  let fLow = forwardMid;
  let fHigh = forwardMid;
  let bLow = backwardMid;
  let bHigh = backwardMid;
  forward[forwardMid + offset] = aFrom;
  backward[backwardMid + offset] = aTo;
  const exact = (x: number, y: number): Split => ({ x, y, minimalBefore: true, minimalAfter: true });
  for (let cost = 1; ; cost++) {
    let longRun = false;
    const fPrevLow = fLow;
    const fPrevHigh = fHigh;
    fLow = fLow > kMin ? fLow - 1 : fLow + 1;
    fHigh = fHigh < kMax ? fHigh + 1 : fHigh - 1;
    for (let k = fHigh; k >= fLow; k -= 2) {
      // Reach diagonal k by a deletion from k - 1 or an insertion from k + 1, whichever gets further;
      // on equal reach, the insertion.
      const afterDeletion = k - 1 >= fPrevLow ? (forward[k - 1 + offset] ?? 0) + 1 : 0;
      const afterInsertion = k + 1 <= fPrevHigh ? (forward[k + 1 + offset] ?? 0) : -1;
      const start = afterDeletion > afterInsertion ? afterDeletion : afterInsertion;
      let x = start;
      let y = x - k;
      while (x < aTo && y < bTo && a[x] === b[y]) {
        x++;
        y++;
      }
      if (x - start > LONG_RUN) longRun = true;
      forward[k + offset] = x;
      if (odd && k >= bLow && k <= bHigh && (backward[k + offset] ?? 0) <= x) return exact(x, y);
    }
    const bPrevLow = bLow;
    const bPrevHigh = bHigh;
    bLow = bLow > kMin ? bLow - 1 : bLow + 1;
    bHigh = bHigh < kMax ? bHigh + 1 : bHigh - 1;
    for (let k = bHigh; k >= bLow; k -= 2) {
      // Backwards: an insertion from k - 1 keeps x, a deletion from k + 1 steps x back; on equal reach, the insertion.
      const afterInsertion = k - 1 >= bPrevLow ? (backward[k - 1 + offset] ?? 0) : Number.MAX_SAFE_INTEGER;
      const afterDeletion = k + 1 <= bPrevHigh ? (backward[k + 1 + offset] ?? 0) - 1 : Number.MAX_SAFE_INTEGER;
      const start = afterInsertion < afterDeletion + 1 ? afterInsertion : afterDeletion;
      let x = start;
      let y = x - k;
      while (x > aFrom && y > bFrom && a[x - 1] === b[y - 1]) {
        x--;
        y--;
      }
      if (start - x > LONG_RUN) longRun = true;
      backward[k + offset] = x;
      if (!odd && k >= fLow && k <= fHigh && x <= (forward[k + offset] ?? 0)) return exact(x, y);
    }
    if (box.minimal) continue;
    if (longRun && cost > HEURISTIC_COST_MIN) {
      const split = splitAtLongRun(s, box, cost, { fLow, fHigh, bLow, bHigh, forwardMid, backwardMid });
      if (split !== undefined) return split;
    }
    if (cost >= s.costLimit) return splitFurthest(s, box, { fLow, fHigh, bLow, bHigh });
  }
}

interface Reach {
  fLow: number;
  fHigh: number;
  bLow: number;
  bHigh: number;
}

/**
 * The most advanced point of either search (by distance covered, less its drift from the
 * middle diagonal) that has just come out of a run of LONG_RUN equal lines, if it has got
 * PROGRESS_FACTOR times further than the edits spent. The side already searched stays exact.
 */
function splitAtLongRun(s: Search, box: Box, cost: number, r: Reach & { forwardMid: number; backwardMid: number }): Split | undefined {
  const { a, b, forward, backward, offset } = s;
  const { aFrom, aTo, bFrom, bTo } = box;
  let best = 0;
  let split: Split | undefined;
  for (let k = r.fHigh; k >= r.fLow; k -= 2) {
    const x = forward[k + offset] ?? 0;
    const y = x - k;
    const progress = x - aFrom + (y - bFrom) - Math.abs(k - r.forwardMid);
    if (progress > PROGRESS_FACTOR * cost && progress > best && aFrom + LONG_RUN <= x && x < aTo && bFrom + LONG_RUN <= y && y < bTo) {
      if (runBefore(a, b, x, y) >= LONG_RUN) {
        best = progress;
        split = { x, y, minimalBefore: true, minimalAfter: false };
      }
    }
  }
  if (split !== undefined) return split;
  for (let k = r.bHigh; k >= r.bLow; k -= 2) {
    const x = backward[k + offset] ?? 0;
    const y = x - k;
    const progress = aTo - x + (bTo - y) - Math.abs(k - r.backwardMid);
    if (progress > PROGRESS_FACTOR * cost && progress > best && aFrom < x && x <= aTo - LONG_RUN && bFrom < y && y <= bTo - LONG_RUN) {
      if (runFrom(a, b, x, y) >= LONG_RUN) {
        best = progress;
        split = { x, y, minimalBefore: false, minimalAfter: true };
      }
    }
  }
  return split;
}

/** How many lines before (x, y) are equal, counting up to LONG_RUN. */
function runBefore(a: Int32Array, b: Int32Array, x: number, y: number): number {
  let n = 0;
  while (n < LONG_RUN && x - n - 1 >= 0 && y - n - 1 >= 0 && a[x - n - 1] === b[y - n - 1]) n++;
  return n;
}

/** How many lines from (x, y) on are equal, counting up to LONG_RUN. */
function runFrom(a: Int32Array, b: Int32Array, x: number, y: number): number {
  let n = 0;
  while (n < LONG_RUN && x + n < a.length && y + n < b.length && a[x + n] === b[y + n]) n++;
  return n;
}

/** Gives up on a shortest path: splits at whichever search has got furthest from its corner. */
function splitFurthest(s: Search, box: Box, r: Reach): Split {
  const { forward, backward, offset } = s;
  const { aFrom, aTo, bFrom, bTo } = box;
  let forwardBest = -1;
  let forwardX = -1;
  for (let k = r.fHigh; k >= r.fLow; k -= 2) {
    let x = Math.min(forward[k + offset] ?? 0, aTo);
    let y = x - k;
    if (bTo < y) {
      x = bTo + k;
      y = bTo;
    }
    if (forwardBest < x + y) {
      forwardBest = x + y;
      forwardX = x;
    }
  }
  let backwardBest = Number.MAX_SAFE_INTEGER;
  let backwardX = Number.MAX_SAFE_INTEGER;
  for (let k = r.bHigh; k >= r.bLow; k -= 2) {
    let x = Math.max(aFrom, backward[k + offset] ?? 0);
    let y = x - k;
    if (y < bFrom) {
      x = bFrom + k;
      y = bFrom;
    }
    if (x + y < backwardBest) {
      backwardBest = x + y;
      backwardX = x;
    }
  }
  if (aTo + bTo - backwardBest < forwardBest - (aFrom + bFrom)) {
    return { x: forwardX, y: forwardBest - forwardX, minimalBefore: true, minimalAfter: false };
  }
  return { x: backwardX, y: backwardBest - backwardX, minimalBefore: false, minimalAfter: true };
}
