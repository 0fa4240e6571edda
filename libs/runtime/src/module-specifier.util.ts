import { posix } from 'node:path';
import type { ScriptFile } from './script-file.type';
import type { ScriptProblem } from './script-problem.type';

/** Files that are compiled as ES modules; everything else in a repository (manifest, fixtures) is data. */
export function isScriptPath(path: string): boolean {
  return path.endsWith('.js') || path.endsWith('.mjs');
}

/** 'lib/./format.js' and './lib/format.js' both name 'lib/format.js'. */
export function normalizeScriptPath(path: string): string {
  return posix.normalize(path).replace(/^(\.\/)+/, '');
}

/** The URL a module is compiled under; it is what stack traces and syntax errors show. */
export function moduleUrlOf(path: string): string {
  return `file:///${path}`;
}

export type SpecifierResolution = { path: string } | { problem: string };

/** Resolves an import specifier of `referrerPath` to a script of the repository, or says why it cannot. */
export function resolveSpecifier(specifier: string, referrerPath: string, scriptPaths: ReadonlySet<string>): SpecifierResolution {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    return { problem: `cannot import '${specifier}': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')` };
  }
  const path = posix.normalize(posix.join(posix.dirname(referrerPath), specifier));
  if (path === '..' || path.startsWith('../')) {
    return { problem: `cannot import '${specifier}': it points outside the repository` };
  }
  if (!scriptPaths.has(path)) {
    return { problem: `cannot import '${specifier}': no script ${path} in the repository` };
  }
  return { path };
}

/** Problems with the static imports of one module; line and column point at the specifier's first occurrence. */
export function importProblemsOf(file: ScriptFile, specifiers: readonly string[], scriptPaths: ReadonlySet<string>): ScriptProblem[] {
  const problems: ScriptProblem[] = [];
  for (const specifier of specifiers) {
    const resolution = resolveSpecifier(specifier, file.path, scriptPaths);
    if ('problem' in resolution) problems.push({ path: file.path, ...locateSpecifier(file.source, specifier), message: resolution.problem });
  }
  return problems;
}

/** 1-based line and column of the first quoted occurrence of `specifier` in `source`. */
export function locateSpecifier(source: string, specifier: string): { line?: number; column?: number } {
  const index = Math.min(...[`'${specifier}'`, `"${specifier}"`].map((quoted) => source.indexOf(quoted)).filter((at) => at >= 0));
  if (!Number.isFinite(index)) return {};
  const before = source.slice(0, index);
  return { line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
}

/** Turns isolated-vm's "Unexpected token ';' [file:///a.js:3:6]" into a problem with a line and column. */
export function syntaxProblemOf(path: string, error: unknown): ScriptProblem {
  const text = error instanceof Error ? error.message : String(error);
  const match = /^(.*?)\s*\[[^\]]*?:(\d+):(\d+)\]\s*$/s.exec(text);
  if (match === null) return { path, message: `${error instanceof Error ? error.name : 'Error'}: ${text}` };
  const [, message = text, line = '0', column = '0'] = match;
  return { path, line: Number(line), column: Number(column), message: `${error instanceof Error ? error.name : 'SyntaxError'}: ${message}` };
}
