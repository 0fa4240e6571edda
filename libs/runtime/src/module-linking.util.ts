import type ivm from 'isolated-vm';
import { locateSpecifier, resolveSpecifier } from './module-specifier.util';
import type { ScriptFile } from './script-file.type';
import type { ScriptProblem } from './script-problem.type';

/**
 * Links compiled modules (their imports already known to resolve) in a context, dependencies
 * first, so that a failure (an imported name the module does not export) belongs to the module
 * being linked. isolated-vm leaves a module graph unusable after a failed link, so the first
 * failure ends linking and is returned as a problem.
 */
export function linkModules(context: ivm.Context, modules: ReadonlyMap<string, ivm.Module>, files: readonly ScriptFile[]): ScriptProblem | undefined {
  const scriptPaths = new Set(modules.keys());
  const dependenciesOf = (path: string): string[] =>
    (modules.get(path)?.dependencySpecifiers ?? []).flatMap((specifier) => {
      const resolution = resolveSpecifier(specifier, path, scriptPaths);
      return 'path' in resolution ? [resolution.path] : [];
    });
  const pathOf = new Map([...modules].map(([path, module]) => [module, path]));
  const resolveImport = (specifier: string, referrer: ivm.Module): ivm.Module => {
    const resolution = resolveSpecifier(specifier, pathOf.get(referrer) ?? '', scriptPaths);
    const module = 'path' in resolution ? modules.get(resolution.path) : undefined;
    if (module === undefined) throw new Error('problem' in resolution ? resolution.problem : `cannot import '${specifier}'`);
    return module;
  };
  for (const path of dependenciesFirst([...modules.keys()], dependenciesOf)) {
    try {
      modules.get(path)?.instantiateSync(context, resolveImport);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const specifier = /requested module '([^']+)'/.exec(message)?.[1];
      const source = files.find((file) => file.path === path)?.source ?? '';
      return { path, ...(specifier === undefined ? {} : locateSpecifier(source, specifier)), message };
    }
  }
  return undefined;
}

function dependenciesFirst(paths: string[], dependenciesOf: (path: string) => string[]): string[] {
  const order: string[] = [];
  const visited = new Set<string>();
  const visit = (path: string): void => {
    if (visited.has(path)) return;
    visited.add(path);
    for (const dependency of dependenciesOf(path)) visit(dependency);
    order.push(path);
  };
  for (const path of paths) visit(path);
  return order;
}
