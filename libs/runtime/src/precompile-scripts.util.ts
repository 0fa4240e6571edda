import ivm from 'isolated-vm';
import { isScriptPath, moduleUrlOf, normalizeScriptPath } from './module-specifier.util';
import type { ScriptFile } from './script-file.type';

/** What the platform keeps of a compiled script: the JavaScript V8 compiled and its code cache. */
export interface PrecompiledScript {
  path: string;
  javascript: string;
  cachedData: Buffer;
}

const PRECOMPILE_MEMORY_MB = 64;

/**
 * Compiles each script of `files` once, on its own (no linking, nothing runs), to produce V8 code
 * cache that API nodes load instead of compiling. Scripts that do not compile are left out: the
 * commit that brought them was refused, or they are not served, and an API node compiling one
 * from source reports the error itself.
 */
export async function precompileScripts(files: readonly ScriptFile[]): Promise<PrecompiledScript[]> {
  const scripts = files.filter((file) => isScriptPath(file.path));
  if (scripts.length === 0) return [];
  const isolate = new ivm.Isolate({ memoryLimit: PRECOMPILE_MEMORY_MB });
  try {
    const precompiled: PrecompiledScript[] = [];
    for (const file of scripts) {
      const path = normalizeScriptPath(file.path);
      let module: ivm.Module & { cachedData?: ivm.ExternalCopy<ArrayBuffer> };
      try {
        module = await isolate.compileModule(file.source, { filename: moduleUrlOf(path), produceCachedData: true } as ivm.CompileModuleOptions);
      } catch {
        if (isolate.isDisposed) break; // too large for the precompiler's heap: API nodes compile it
        continue;
      }
      if (module.cachedData !== undefined) {
        precompiled.push({ path, javascript: file.source, cachedData: Buffer.from(module.cachedData.copy()) });
        module.cachedData.release();
      }
      module.release();
    }
    return precompiled;
  } finally {
    if (!isolate.isDisposed) isolate.dispose();
  }
}
