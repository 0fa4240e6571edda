import ivm from 'isolated-vm';
import { importProblemsOf, isScriptPath, moduleUrlOf, normalizeScriptPath, syntaxProblemOf } from './module-specifier.util';
import type { ScriptFile } from './script-file.type';
import type { ScriptProblem } from './script-problem.type';

/** Compiling needs an isolate but runs nothing, so one small isolate serves every check. */
const VALIDATION_MEMORY_MB = 16;
let validationIsolate: ivm.Isolate | undefined;

/**
 * What is wrong with a repository's scripts, before anything of it is committed or deployed:
 * syntax errors (with line and column) and static imports that do not name another script of the
 * same repository. An empty array means the scripts compile and link.
 */
export function checkScripts(files: ScriptFile[]): ScriptProblem[] {
  const scripts = files.filter((file) => isScriptPath(file.path)).map((file) => ({ ...file, path: normalizeScriptPath(file.path) }));
  const scriptPaths = new Set(scripts.map((file) => file.path));
  const problems: ScriptProblem[] = [];
  for (const file of scripts) {
    let module: ivm.Module;
    try {
      module = isolate().compileModuleSync(file.source, { filename: moduleUrlOf(file.path) });
    } catch (error) {
      problems.push(
        validationIsolate?.isDisposed === true
          ? { path: file.path, message: `the script is too large to compile within ${VALIDATION_MEMORY_MB} MB` }
          : syntaxProblemOf(file.path, error),
      );
      continue;
    }
    problems.push(...importProblemsOf(file, module.dependencySpecifiers, scriptPaths));
    module.release();
  }
  return problems;
}

function isolate(): ivm.Isolate {
  if (validationIsolate === undefined || validationIsolate.isDisposed) {
    validationIsolate = new ivm.Isolate({ memoryLimit: VALIDATION_MEMORY_MB });
  }
  return validationIsolate;
}
