/**
 * TypeScript scripts (.ts, .mts) become JavaScript before V8 sees them: types are erased, nothing
 * is type-checked (a type error is the author's business, a syntax error is a problem). The
 * compiler is some 9 MB of JavaScript, so it is loaded on the first TypeScript file only: a
 * process that compiles JavaScript repositories never loads it.
 *
 * Erasing types reprints the module, so the JavaScript's lines are not the source's (interfaces
 * and blank lines vanish, enums grow). Problems found at commit time are mapped back to the
 * source; stack traces of a running TypeScript script show lines of its JavaScript.
 */
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';
import { isTypeScriptPath } from './module-specifier.util';
import type { ScriptFile } from './script-file.type';
import type { ScriptProblem } from './script-problem.type';
import { ScriptError } from './script.error';
import { originalPositionOf } from './source-map-position.util';

export type TranspiledScript = { javascript: string } | { problem: ScriptProblem };

let compiler: typeof TypeScript | undefined;

/** The TypeScript compiler, required on first use. */
function typescript(): typeof TypeScript {
  compiler ??= createRequire(__filename)('typescript') as typeof TypeScript;
  return compiler;
}

function compilerOptions(ts: typeof TypeScript, sourceMap: boolean): TypeScript.CompilerOptions {
  return {
    module: ts.ModuleKind.ESNext,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: false,
    isolatedModules: true,
    sourceMap,
    inlineSourceMap: false,
    removeComments: false,
  };
}

/**
 * The JavaScript of one TypeScript script, or its first syntax error (later ones are mostly
 * consequences of the first) with the source's 1-based line and column.
 */
export function transpileScript(path: string, source: string): TranspiledScript {
  const ts = typescript();
  const output = ts.transpileModule(source, { fileName: path, reportDiagnostics: true, compilerOptions: compilerOptions(ts, false) });
  const error = output.diagnostics?.find((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (error === undefined) return { javascript: output.outputText };
  const message = `SyntaxError: ${ts.flattenDiagnosticMessageText(error.messageText, '\n').replace(/\.$/, '')} (TS${error.code})`;
  if (error.file === undefined || error.start === undefined) return { problem: { path, message } };
  const { line, character } = error.file.getLineAndCharacterOfPosition(error.start);
  return { problem: { path, line: line + 1, column: character + 1, message } };
}

/**
 * `files` with every TypeScript script's source replaced by its JavaScript (path and other fields
 * kept); JavaScript scripts and data pass through unchanged. A TypeScript file that already
 * carries its `javascript` is not transpiled again. Files with a syntax error are left out of
 * `files` and reported in `problems`.
 */
export function transpileScripts(files: ScriptFile[]): { files: ScriptFile[]; problems: ScriptProblem[] } {
  const transpiled: ScriptFile[] = [];
  const problems: ScriptProblem[] = [];
  for (const file of files) {
    if (!isTypeScriptPath(file.path)) {
      transpiled.push(file);
    } else if (file.javascript !== undefined) {
      transpiled.push({ ...file, source: file.javascript });
    } else {
      const script = transpileScript(file.path, file.source);
      if ('problem' in script) problems.push(script.problem);
      else transpiled.push({ ...file, source: script.javascript, javascript: script.javascript });
    }
  }
  return { files: transpiled, problems };
}

/** transpileScripts for compiling a repository to run: a syntax error refuses the repository ('script-invalid'). */
export function transpiledScripts(files: ScriptFile[]): ScriptFile[] {
  const { files: transpiled, problems } = transpileScripts(files);
  if (problems.length > 0) {
    const summary = problems.map((p) => `${p.path}${p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`} ${p.message}`).join('; ');
    throw new ScriptError('script-invalid', `the repository does not compile: ${summary}`, { problems });
  }
  return transpiled;
}

/**
 * A problem V8 found in a TypeScript script's JavaScript (an early error TypeScript's parser lets
 * through, such as a redeclared `let`), with the line and column of the TypeScript source.
 */
export function inTypeScriptSource(file: ScriptFile, problem: ScriptProblem): ScriptProblem {
  if (problem.line === undefined) return problem;
  const ts = typescript();
  const output = ts.transpileModule(file.source, { fileName: file.path, compilerOptions: compilerOptions(ts, true) });
  const mappings = output.sourceMapText === undefined ? undefined : (JSON.parse(output.sourceMapText) as { mappings?: unknown }).mappings;
  const source = typeof mappings === 'string' ? originalPositionOf(mappings, { line: problem.line - 1, column: (problem.column ?? 1) - 1 }) : undefined;
  if (source === undefined) return { ...problem, message: `${problem.message} (at line ${problem.line} of the JavaScript it transpiles to)` };
  return { ...problem, line: source.line + 1, column: source.column + 1 };
}
