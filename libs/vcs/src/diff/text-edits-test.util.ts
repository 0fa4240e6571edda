/**
 * Shared by the diff and blame specs: deterministic random texts and edits of them, shaped like
 * scripts (function lines that git picks as hunk context, indented bodies, braces and blank
 * lines that repeat, a missing final newline now and then).
 */

/** A small seeded PRNG (mulberry32): the same seed gives the same cases on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TextEditor {
  random: () => number;
  pick<T>(items: readonly T[]): T;
  /** A line with its '\n'; `repeated` is the chance of a line that occurs often ('}', '', ...). */
  line(repeated?: number): string;
  /** `count` lines joined into a text, ending with '\n'. */
  text(count: number, repeated?: number): string;
  /** `count` functions separated by blank lines, like a script. */
  script(count: number): string;
  /** One to `maxEdits` inserts, deletes and replacements at random places of `content`. */
  edit(content: string, options?: { maxEdits?: number; repeated?: number; kinds?: readonly EditKind[] }): string;
}

/** 'function' inserts a whole function (with its blank separator line) after a '}' or blank line. */
export type EditKind = 'insert' | 'delete' | 'replace' | 'function';

const REPEATED_LINES = ['}\n', '\n', '  return result;\n', '  });\n', '{\n', '    break;\n'];

export function textEditor(seed: number): TextEditor {
  const random = seededRandom(seed);
  let unique = 0;
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  };
  const line = (repeated = 0.3): string => {
    if (random() < repeated) return pick(REPEATED_LINES);
    const n = unique++;
    return random() < 0.2 ? `export function f${n}(input) {\n` : `${random() < 0.2 ? '\t' : '  '}const v${n} = input.v${n};\n`;
  };
  const lines = (count: number, repeated?: number): string[] => Array.from({ length: count }, () => line(repeated));
  const text = (count: number, repeated?: number): string => lines(count, repeated).join('');
  const functionLines = (): string[] => {
    const n = unique++;
    const body = Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.3 ? '  return result;\n' : `  const v${unique++} = input.v${n};\n`));
    return [`export function f${n}(input) {\n`, ...body, '}\n', '\n'];
  };
  const script = (count: number): string => Array.from({ length: count }, functionLines).flat().join('');
  const edit: TextEditor['edit'] = (content, options = {}) => {
    const { maxEdits = 3, repeated, kinds = ['insert', 'delete', 'replace'] } = options;
    const result = content.split(/(?<=\n)/).filter((l) => l !== '');
    const edits = 1 + Math.floor(random() * maxEdits);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (result.length + 1));
      const size = 1 + Math.floor(random() * 4);
      const kind = pick(kinds);
      if (kind === 'function') {
        const boundaries = result.flatMap((l, i) => (l === '}\n' || l === '\n' ? [i + 1] : []));
        result.splice(boundaries.length > 0 ? pick(boundaries) : at, 0, ...functionLines());
      } else if (kind === 'insert' || result.length === 0) result.splice(at, 0, ...lines(size, repeated));
      else if (kind === 'delete') result.splice(Math.min(at, result.length - 1), size);
      else result.splice(Math.min(at, result.length - 1), size, ...lines(1 + Math.floor(random() * 4), repeated));
    }
    let out = result.join('');
    if (random() < 0.1 && out.endsWith('\n')) out = out.slice(0, -1);
    else if (random() < 0.3 && !out.endsWith('\n') && out !== '') out += '\n';
    return out;
  };
  return { random, pick, line, text, script, edit };
}
