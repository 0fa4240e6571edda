import ivm from 'isolated-vm';
import { linkModules } from './module-linking.util';
import { importProblemsOf, isScriptPath, isTypeScriptPath, moduleUrlOf, normalizeScriptPath, syntaxProblemOf } from './module-specifier.util';
import type { ScriptFile } from './script-file.type';
import type { ScriptProblem } from './script-problem.type';
import { inTypeScriptSource, transpileScript, type TranspiledScript } from './typescript-transpile.util';

/** Compiling and linking need an isolate but run nothing, so one small isolate serves every check. */
const VALIDATION_MEMORY_MB = 16;
let validationIsolate: ivm.Isolate | undefined;

/**
 * What is wrong with a repository's scripts, before anything of it is committed or deployed:
 * syntax errors (with line and column), static imports that do not name another script of the
 * same repository, and imported names a module does not export. An empty array means the
 * scripts compile and link. No script code runs.
 *
 * TypeScript scripts are transpiled from `source` first; their problems carry lines and columns
 * of the TypeScript. Types are not checked: a type error is not a problem.
 */
export function checkScripts(files: ScriptFile[]): ScriptProblem[] {
  const scripts = files.filter((file) => isScriptPath(file.path)).map((file) => ({ ...file, path: normalizeScriptPath(file.path) }));
  const scriptPaths = new Set(scripts.map((file) => file.path));
  const isolate = validation();
  const modules = new Map<string, ivm.Module>();
  const problems: ScriptProblem[] = [];
  try {
    for (const file of scripts) {
      const script = javascriptOf(file);
      if ('problem' in script) {
        problems.push(script.problem);
        continue;
      }
      let module: ivm.Module;
      try {
        module = isolate.compileModuleSync(script.javascript, { filename: moduleUrlOf(file.path) });
      } catch (error) {
        if (isolate.isDisposed) {
          problems.push({ path: file.path, message: `the script is too large to compile within ${VALIDATION_MEMORY_MB} MB` });
          return problems;
        }
        const problem = syntaxProblemOf(file.path, error);
        problems.push(isTypeScriptPath(file.path) ? inTypeScriptSource(file, problem) : problem);
        continue;
      }
      modules.set(file.path, module);
      problems.push(...importProblemsOf(file, module.dependencySpecifiers, scriptPaths));
    }
    if (problems.length === 0) {
      // Linking is only meaningful once every import resolves; it catches `import { nope }`.
      const context = isolate.createContextSync();
      const linkProblem = linkModules(context, modules, scripts);
      context.release();
      if (linkProblem !== undefined) problems.push(linkProblem);
    }
    return problems;
  } finally {
    if (!isolate.isDisposed) for (const module of modules.values()) module.release();
  }
}

/** What V8 compiles for a script: its source, or for TypeScript the source transpiled (never a supplied `javascript`). */
function javascriptOf(file: ScriptFile): TranspiledScript {
  return isTypeScriptPath(file.path) ? transpileScript(file.path, file.source) : { javascript: file.source };
}

function validation(): ivm.Isolate {
  if (validationIsolate === undefined || validationIsolate.isDisposed) {
    validationIsolate = new ivm.Isolate({ memoryLimit: VALIDATION_MEMORY_MB });
  }
  return validationIsolate;
}
