import { describe, expect, it } from 'vitest';
import { alignLines } from './line-alignment.util';

const lines = (text: string): string[] => text.split(/(?<=\n)/).filter((l) => l !== '');
/** 1-based numbers of the changed lines on each side, as git diff would list them. */
function changed(before: string, after: string): { removed: number[]; added: number[] } {
  const { oldChanged, newChanged } = alignLines(lines(before), lines(after));
  const numbers = (flags: boolean[]): number[] => flags.flatMap((flag, i) => (flag ? [i + 1] : []));
  return { removed: numbers(oldChanged), added: numbers(newChanged) };
}

// Each expectation is what `git diff --no-index -U0` (git 2.39, default settings) reports.
describe('alignLines', () => {
  it('keeps unchanged lines and marks replaced, inserted and deleted ones', () => {
    expect(changed('a\nb\nc\nd\n', 'a\nB\nc\nx\nd\n')).toEqual({ removed: [2], added: [2, 4] });
    expect(changed('a\nb\nc\n', 'a\nc\n')).toEqual({ removed: [2], added: [] });
    expect(changed('', 'a\n')).toEqual({ removed: [], added: [1] });
    expect(changed('a\nb\n', '')).toEqual({ removed: [1, 2], added: [] });
  });

  it('treats a last line without a newline as a different line', () => {
    expect(changed('a\nb', 'a\nb\n')).toEqual({ removed: [2], added: [2] });
  });

  it('places an inserted function between functions after the blank line, not before it', () => {
    const before = '// v1\nstart() {\n  step();\n}\n\nfinish() {\n  done();\n}\n';
    const after = '// v2\nstart() {\n  step();\n}\n\nmiddle() {\n  work();\n}\n\nfinish() {\n  done();\n}\n';
    expect(changed(before, after)).toEqual({ removed: [1], added: [1, 6, 7, 8, 9] });
  });

  it("places an ambiguous insertion by git's indent heuristic rather than as low as it goes", () => {
    // The lowest place would be lines 3-4; git prefers to start the insertion at the dedented '}'.
    expect(changed('  step();\n}\ndone();\n', '  step();\n}\n  step();\n}\ndone();\n')).toEqual({ removed: [], added: [2, 3] });
  });

  it('lines a deletion up with the insertion it was replaced by', () => {
    // Deleting either 'b' gives a shortest diff; git deletes the one next to the new lines.
    expect(changed('a\nb\nb\n', 'a\nc\na\nb\n')).toEqual({ removed: [2], added: [2, 3] });
  });

  it('leaves out a common line lost among new lines, even where keeping it would give a shorter diff', () => {
    // '}' occurs 4 times on the old side, which counts as common for an 8-line file (1 in 7 lines around it).
    expect(changed('}\n}\n}\n}\n', 'a\nb\nc\nd\ne\nf\n}\ng\n')).toEqual({ removed: [1, 2, 3, 4], added: [1, 2, 3, 4, 5, 6, 7, 8] });
    // With one new line fewer around it, it is kept and pairs up.
    expect(changed('}\n}\n}\n}\n', 'a\nb\nc\nd\ne\n}\ng\n')).toEqual({ removed: [2, 3, 4], added: [1, 2, 3, 4, 5, 7] });
  });

  it('picks the lines git picks among equally short diffs', () => {
    expect(changed('a\nb\nb\na\na\n', 'b\na\n')).toEqual({ removed: [1, 2, 5], added: [] });
    expect(changed('c\na\nd\nd\n', 'c\na\nc\nd\nd\n{\nd\n')).toEqual({ removed: [], added: [3, 4, 6] });
  });
});
