import { describe, expect, it } from 'vitest';
import { seededRandom } from '../diff/text-edits-test.util';
import { markEdits } from './myers-diff.util';

function edits(a: number[], b: number[]): { aChanged: boolean[]; bChanged: boolean[] } {
  const aChanged = new Array<boolean>(a.length).fill(false);
  const bChanged = new Array<boolean>(b.length).fill(false);
  const index = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
  markEdits(Int32Array.from(a), Int32Array.from(b), index(a.length), index(b.length), aChanged, bChanged);
  return { aChanged, bChanged };
}

/** Length of a longest common subsequence, by the textbook table: the oracle for "shortest". */
function lcsLength(a: number[], b: number[]): number {
  let row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const next = [0];
    b.forEach((y, j) => next.push(x === y ? (row[j] ?? 0) + 1 : Math.max(row[j + 1] ?? 0, next[j] ?? 0)));
    row = next;
  }
  return row[b.length] ?? 0;
}

/** The kept lines of both sides, in order: equal when the marks form a valid edit script. */
function kept(a: number[], b: number[], marks: { aChanged: boolean[]; bChanged: boolean[] }): [number[], number[]] {
  return [a.filter((_, i) => marks.aChanged[i] !== true), b.filter((_, i) => marks.bChanged[i] !== true)];
}

describe('markEdits', () => {
  it('marks nothing for equal inputs and everything when nothing matches', () => {
    expect(edits([1, 2, 3], [1, 2, 3])).toEqual({ aChanged: [false, false, false], bChanged: [false, false, false] });
    expect(edits([1, 2], [3, 4, 5])).toEqual({ aChanged: [true, true], bChanged: [true, true, true] });
    expect(edits([], [1])).toEqual({ aChanged: [], bChanged: [true] });
  });

  it('finds a shortest edit script for 2,000 random small inputs', () => {
    const random = seededRandom(31);
    for (let round = 0; round < 2_000; round++) {
      const alphabet = 1 + Math.floor(random() * 6);
      const make = (): number[] => Array.from({ length: Math.floor(random() * 25) }, () => Math.floor(random() * alphabet));
      const a = make();
      const b = make();
      const marks = edits(a, b);
      const [keptA, keptB] = kept(a, b, marks);
      expect(keptA).toEqual(keptB);
      expect(keptA.length).toBe(lcsLength(a, b));
    }
  });

  it('still gives a valid edit script when a huge difference makes it give up on the shortest one', () => {
    const random = seededRandom(32);
    const make = (): number[] => Array.from({ length: 3_000 }, () => Math.floor(random() * 3));
    const a = make();
    const b = make();
    const [keptA, keptB] = kept(a, b, edits(a, b));
    expect(keptA).toEqual(keptB);
    const shortest = lcsLength(a, b);
    // Like git, it settles for a slightly longer script (keeps fewer lines) instead of searching on.
    expect(keptA.length).toBeLessThan(shortest);
    expect(keptA.length).toBeGreaterThan(0.95 * shortest);
  });
});
