import { posix } from 'node:path';
import type { ScriptFile } from './script-file.type';
import type { ScriptProblem } from './script-problem.type';

/**
 * Files that are compiled as ES modules: JavaScript (.js, .mjs) and TypeScript (.ts, .mts), which
 * is transpiled first. Everything else in a repository (manifest, fixtures, .d.ts declarations,
 * .tsx) is data.
 */
export function isScriptPath(path: string): boolean {
  return path.endsWith('.js') || path.endsWith('.mjs') || isTypeScriptPath(path);
}

/** TypeScript scripts: .ts and .mts, but not the declaration files .d.ts / .d.mts, which hold types only. */
export function isTypeScriptPath(path: string): boolean {
  return (path.endsWith('.ts') && !path.endsWith('.d.ts')) || (path.endsWith('.mts') && !path.endsWith('.d.mts'));
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

/**
 * Resolves an import specifier of `referrerPath` to a script of the repository, or says why it
 * cannot. As in TypeScript's NodeNext convention, './x.js' names x.ts (and './x.mjs' x.mts) when
 * the repository has no x.js, from JavaScript and TypeScript alike; './x.ts' names x.ts directly.
 */
export function resolveSpecifier(specifier: string, referrerPath: string, scriptPaths: ReadonlySet<string>): SpecifierResolution {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    return { problem: `cannot import '${specifier}': scripts may only import relative modules of the same repository ('./x.js', '../lib/y.js')` };
  }
  const path = posix.normalize(posix.join(posix.dirname(referrerPath), specifier));
  if (path === '..' || path.startsWith('../')) {
    return { problem: `cannot import '${specifier}': it points outside the repository` };
  }
  if (scriptPaths.has(path)) return { path };
  const typescript = typeScriptCounterpartOf(path);
  if (typescript !== undefined && scriptPaths.has(typescript)) return { path: typescript };
  return { problem: `cannot import '${specifier}': no script ${path}${typescript === undefined ? '' : ` or ${typescript}`} in the repository` };
}

/** 'lib/x.js' -> 'lib/x.ts', 'lib/x.mjs' -> 'lib/x.mts': what a TypeScript import written with the JavaScript extension means. */
function typeScriptCounterpartOf(path: string): string | undefined {
  if (path.endsWith('.js')) return `${path.slice(0, -'.js'.length)}.ts`;
  if (path.endsWith('.mjs')) return `${path.slice(0, -'.mjs'.length)}.mts`;
  return undefined;
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
