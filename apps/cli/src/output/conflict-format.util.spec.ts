import { describe, expect, it } from 'vitest';
import { conflictsFromDetails, formatConflicts } from './conflict-format.util';

describe('formatConflicts', () => {
  it('writes every hunk between diff3 markers, with an empty base for add/add', () => {
    const lines = formatConflicts(
      [{ path: 'new.js', kind: 'add-add', hunks: [{ oursStart: 1, ours: ['a'], base: [], theirs: ['b'] }] }],
      { ours: 'main', base: 'base', theirs: 'feature' },
    );
    expect(lines).toEqual([
      'CONFLICT (add/add): Merge conflict in new.js',
      '@@ new.js:1 @@',
      '<<<<<<< main',
      'a',
      '||||||| base',
      '=======',
      'b',
      '>>>>>>> feature',
    ]);
  });

  it('names kinds it does not know', () => {
    expect(formatConflicts([{ path: 'x', kind: 'rename-rename', hunks: [] }], { ours: 'o', base: 'b', theirs: 't' })).toEqual([
      'CONFLICT (rename-rename): x',
    ]);
  });
});

describe('conflictsFromDetails', () => {
  it('keeps what fits the documented shape and drops the rest', () => {
    expect(
      conflictsFromDetails({
        conflicts: [
          { path: 'a.js', kind: 'content', hunks: [{ oursStart: 2, ours: ['x'], base: ['y'], theirs: ['z'] }, 'junk'] },
          { kind: 'content' },
          { path: 'b.js' },
        ],
      }),
    ).toEqual([
      { path: 'a.js', kind: 'content', hunks: [{ oursStart: 2, ours: ['x'], base: ['y'], theirs: ['z'] }] },
      { path: 'b.js', kind: 'content', hunks: [] },
    ]);
    expect(conflictsFromDetails(undefined)).toEqual([]);
    expect(conflictsFromDetails({ conflicts: 'nope' })).toEqual([]);
  });
});
