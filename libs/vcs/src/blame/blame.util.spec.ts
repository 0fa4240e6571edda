import { describe, expect, it } from 'vitest';
import { blame, type FileVersionAtCommit } from './blame.util';

/** "commit:content" per line, to read expectations at a glance. */
function blameOf(versions: FileVersionAtCommit[]): string[] {
  return blame(versions).map((l) => `${l.line} ${l.commit}: ${l.content}`);
}

describe('blame', () => {
  it('returns no lines without versions, for a deleted file or an empty one', () => {
    expect(blame([])).toEqual([]);
    expect(blame([{ commit: 'c1', content: 'a\n' }, { commit: 'c2', content: null }])).toEqual([]);
    expect(blame([{ commit: 'c1', content: '' }])).toEqual([]);
  });

  it('credits every line of a single version to its commit, with 1-based numbers and no line breaks', () => {
    expect(blame([{ commit: 'c1', content: 'a\nb\r\nc' }])).toEqual([
      { line: 1, commit: 'c1', content: 'a' },
      { line: 2, commit: 'c1', content: 'b\r' },
      { line: 3, commit: 'c1', content: 'c' },
    ]);
  });

  it('keeps the credit of untouched lines and gives inserted and edited lines to the newer commit', () => {
    const versions = [
      { commit: 'c1', content: 'one\ntwo\nthree\nfour\n' },
      { commit: 'c2', content: 'one\ntwo\ninserted\nthree\nfour\n' },
      { commit: 'c3', content: 'one\nTWO\ninserted\nthree\nfour\n' },
      { commit: 'c4', content: 'one\nTWO\ninserted\nfour\n' },
    ];
    expect(blameOf(versions)).toEqual(['1 c1: one', '2 c3: TWO', '3 c2: inserted', '4 c1: four']);
  });

  it('credits a line that gained its final newline to the commit that added the newline', () => {
    expect(blameOf([{ commit: 'c1', content: 'a\nb' }, { commit: 'c2', content: 'a\nb\n' }])).toEqual(['1 c1: a', '2 c2: b']);
  });

  it('credits a re-added file to the commit that re-added it, even where the lines are the same as before', () => {
    const versions = [
      { commit: 'c1', content: 'a\nb\n' },
      { commit: 'c2', content: null },
      { commit: 'c3', content: 'a\nb\nc\n' },
    ];
    expect(blameOf(versions)).toEqual(['1 c3: a', '2 c3: b', '3 c3: c']);
  });

  it('credits a function inserted between two functions as git blame does, blank line included', () => {
    const c1 = 'export function add(a, b) {\n  return a + b;\n}\n\nexport function sub(a, b) {\n  return a - b;\n}\n';
    const c2 = c1.replace('export function sub', 'export function mul(a, b) {\n  return a * b;\n}\n\nexport function sub');
    // git blame: lines 5-8 ("export function mul" to the blank line after it) from c2.
    expect(blame([{ commit: 'c1', content: c1 }, { commit: 'c2', content: c2 }]).map((l) => l.commit)).toEqual(
      ['c1', 'c1', 'c1', 'c1', 'c2', 'c2', 'c2', 'c2', 'c1', 'c1', 'c1'],
    );
  });

  it('follows a long history: 1,000 commits, each inserting a line in the middle of a growing file', () => {
    const versions: FileVersionAtCommit[] = [];
    const lines: string[] = [];
    for (let c = 0; c < 1_000; c++) {
      lines.splice(Math.floor(lines.length / 2), 0, `line added by c${c}\n`);
      versions.push({ commit: `c${c}`, content: lines.join('') });
    }
    const result = blame(versions);
    expect(result).toHaveLength(1_000);
    for (const line of result) expect(line.content).toBe(`line added by ${line.commit}`);
  });
});
