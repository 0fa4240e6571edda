/**
 * git's "indent heuristic" (diff.indentHeuristic, on by default since git 2.14, and used by
 * `git blame` too): when a run of added or deleted lines can slide, prefer the place where its
 * two edges look like boundaries between blocks of code (blank lines, dedents). The scoring and
 * its weights reproduce git's (tuned by Michael Haggerty on a corpus of human-rated diffs,
 * https://github.com/mhagger/diff-slider-tools), because blame must credit the lines git does.
 */

/** Lines indented further than this count as this far; keeps odd data from costing much. */
const INDENT_CAP = 200;
/** Runs of blank lines longer than this count as this long. */
const BLANK_RUN_CAP = 20;
/** A run slides at most this far from its lowest place when looking for a better one. */
const MAX_SLIDE = 100;

const WEIGHT = {
  startOfFile: 1,
  endOfFile: 21,
  blankAround: -30,
  blankAfter: 6,
  indented: -4,
  indentedWithBlank: 10,
  outdentedBeforeBlock: 24,
  outdentedBeforeBlockWithBlank: 17,
  dedented: 23,
  dedentedWithBlank: 17,
  /** The sign of the indent comparison is worth this much penalty. */
  indentOrder: 60,
} as const;

interface SplitScore {
  indent: number;
  penalty: number;
}

/**
 * The end (exclusive) at which a run of `size` changed lines of `lines`, free to slide with its
 * end anywhere from `highestEnd` to `lowestEnd`, reads best. Ties go to the lower place.
 */
export function bestSplitEnd(lines: readonly string[], highestEnd: number, lowestEnd: number, size: number): number {
  let best = lowestEnd;
  let bestScore: SplitScore | null = null;
  for (let end = Math.max(highestEnd, lowestEnd - size - 1, lowestEnd - MAX_SLIDE); end <= lowestEnd; end++) {
    const score = addScores(scoreSplit(lines, end), scoreSplit(lines, end - size));
    if (bestScore === null || compareScores(score, bestScore) <= 0) {
      best = end;
      bestScore = score;
    }
  }
  return best;
}

/** Columns of leading whitespace (a tab reaches the next multiple of 8); -1 for a blank line. */
function indentOf(line: string): number {
  let columns = 0;
  for (const char of line) {
    if (char === ' ') columns += 1;
    else if (char === '\t') columns += 8 - (columns % 8);
    else if (!WHITESPACE.has(char)) return columns;
    if (columns >= INDENT_CAP) return INDENT_CAP;
  }
  return -1;
}
/** git's own isspace(): no vertical tab or form feed. */
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** How bad a boundary just above line `split` is (split === lines.length: the end of the file). */
function scoreSplit(lines: readonly string[], split: number): SplitScore {
  const atEnd = split >= lines.length;
  const lineIndent = atEnd ? -1 : indentOf(lines[split] ?? '');
  const above = nearestIndent(lines, split - 1, -1);
  const below = nearestIndent(lines, split + 1, +1);

  let penalty = 0;
  if (above.indent === -1 && above.blanks === 0) penalty += WEIGHT.startOfFile;
  if (atEnd) penalty += WEIGHT.endOfFile;
  const blanksAfter = lineIndent === -1 ? 1 + below.blanks : 0;
  const blanks = above.blanks + blanksAfter;
  penalty += WEIGHT.blankAround * blanks + WEIGHT.blankAfter * blanksAfter;

  const indent = lineIndent !== -1 ? lineIndent : below.indent;
  const withBlank = blanks !== 0;
  if (indent !== -1 && above.indent !== -1) {
    if (indent > above.indent) penalty += withBlank ? WEIGHT.indentedWithBlank : WEIGHT.indented;
    else if (indent < above.indent) {
      const opensBlock = below.indent !== -1 && below.indent > indent;
      if (opensBlock) penalty += withBlank ? WEIGHT.outdentedBeforeBlockWithBlank : WEIGHT.outdentedBeforeBlock;
      else penalty += withBlank ? WEIGHT.dedentedWithBlank : WEIGHT.dedented;
    }
  }
  return { indent, penalty };
}

/** Walks from `from` in `step` direction over blank lines: how many, and the indent of the first non-blank (-1: none). */
function nearestIndent(lines: readonly string[], from: number, step: 1 | -1): { blanks: number; indent: number } {
  let blanks = 0;
  for (let i = from; i >= 0 && i < lines.length; i += step) {
    const indent = indentOf(lines[i] ?? '');
    if (indent !== -1) return { blanks, indent };
    if (++blanks === BLANK_RUN_CAP) return { blanks, indent: 0 };
  }
  return { blanks, indent: -1 };
}

function addScores(a: SplitScore, b: SplitScore): SplitScore {
  return { indent: a.indent + b.indent, penalty: a.penalty + b.penalty };
}

function compareScores(a: SplitScore, b: SplitScore): number {
  return WEIGHT.indentOrder * Math.sign(a.indent - b.indent) + (a.penalty - b.penalty);
}
