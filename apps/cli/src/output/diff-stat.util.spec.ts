import { describe, expect, it } from 'vitest';
import type { FileDiffSummary } from '../control-api.type';
import { diffStatSummary, formatDiffStat } from './diff-stat.util';

const file = (path: string, added: number, removed: number): FileDiffSummary => ({ path, status: 'modified', added, removed, hunks: [] });

describe('formatDiffStat', () => {
  it('scales bars down to the widest allowed, keeping at least one mark per non-empty side', () => {
    expect(formatDiffStat([file('big.js', 300, 100), file('small.js', 1, 0)], 40)).toEqual([
      ' big.js   | 400 ++++++++++++++++++++++++++++++----------',
      ' small.js |   1 +',
      ' 2 files changed, 301 insertions(+), 100 deletions(-)',
    ]);
  });

  it('prints a bare count for a file without line changes, and nothing for no files', () => {
    expect(formatDiffStat([file('empty.txt', 0, 0)])).toEqual([' empty.txt | 0', ' 1 file changed, 0 insertions(+), 0 deletions(-)']);
    expect(formatDiffStat([])).toEqual([]);
  });
});

describe('diffStatSummary', () => {
  it('leaves out a zero side like git, and uses singulars', () => {
    expect(diffStatSummary([file('a', 1, 0)])).toBe(' 1 file changed, 1 insertion(+)');
    expect(diffStatSummary([file('a', 0, 2), file('b', 0, 1)])).toBe(' 2 files changed, 3 deletions(-)');
  });
});
