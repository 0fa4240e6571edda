import ivm from 'isolated-vm';
import { linkModules } from './module-linking.util';
import { importProblemsOf, isScriptPath, moduleUrlOf, normalizeScriptPath, syntaxProblemOf } from './module-specifier.util';
import type { ScriptFile } from './script-file.type';
import type { ScriptProblem } from './script-problem.type';

/** Compiling and linking need an isolate but run nothing, so one small isolate serves every check. */
const VALIDATION_MEMORY_MB = 16;
let validationIsolate: ivm.Isolate | undefined;

/**
 * What is wrong with a repository's scripts, before anything of it is committed or deployed:
 * syntax errors (with line and column), static imports that do not name another script of the
 * same repository, and imported names a module does not export. An empty array means the
 * scripts compile and link. No script code runs.
 */
export function checkScripts(files: ScriptFile[]): ScriptProblem[] {
  const scripts = files.filter((file) => isScriptPath(file.path)).map((file) => ({ ...file, path: normalizeScriptPath(file.path) }));
  const scriptPaths = new Set(scripts.map((file) => file.path));
  const isolate = validation();
  const modules = new Map<string, ivm.Module>();
  const problems: ScriptProblem[] = [];
  try {
    for (const file of scripts) {
      let module: ivm.Module;
      try {
        module = isolate.compileModuleSync(file.source, { filename: moduleUrlOf(file.path) });
      } catch (error) {
        problems.push(
          isolate.isDisposed
            ? { path: file.path, message: `the script is too large to compile within ${VALIDATION_MEMORY_MB} MB` }
            : syntaxProblemOf(file.path, error),
        );
        if (isolate.isDisposed) return problems;
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

function validation(): ivm.Isolate {
  if (validationIsolate === undefined || validationIsolate.isDisposed) {
    validationIsolate = new ivm.Isolate({ memoryLimit: VALIDATION_MEMORY_MB });
  }
  return validationIsolate;
}
