/** @dsp/runtime: compiles a repository's scripts into an isolate and runs them for device requests. */
export type { BackendCall, BackendResult } from './backend-call.type';
export { BackendCallError, type BackendCallErrorCode } from './backend-call.error';
export { BackendServices } from './backend-services.port';
export { checkScripts } from './check-scripts.util';
export { CompiledRepository, type CodeCacheReport, type CompileOptions } from './compiled-repository.sandbox';
export { engineFingerprint } from './engine-fingerprint.util';
export { IsolatePool } from './warm-isolate';
export { moduleCodeCacheConsumed } from './module-code-cache.util';
export { precompileScripts, type PrecompiledScript } from './precompile-scripts.util';
export type { DeviceRequest } from './device-request.type';
export { HttpBackendServices, type HttpBackendServiceConfig } from './http-backend-services.adapter';
export { isScriptPath, isTypeScriptPath, resolveSpecifier, type SpecifierResolution } from './module-specifier.util';
export type { RunHooks } from './run-hooks.type';
export {
  BACKEND_CALLS_PER_RUN,
  LOG_LINES_PER_RUN,
  LOG_LINE_CHARS,
  MAP_ENTRIES_PER_MB,
  MAX_BUILTIN_ELEMENTS,
  MAX_JSON_TEXT_CHARS,
  MAX_RESPONSE_CHARS,
  MAX_RESPONSE_DEPTH,
  SANDBOX_GLOBALS,
} from './sandbox-bootstrap.constant';
export type { ScriptFile } from './script-file.type';
export { DEFAULT_SCRIPT_LIMITS, MAX_SCRIPT_MEMORY_MB, MIN_SCRIPT_MEMORY_MB } from './script-limits.constant';
export type { ScriptLimits } from './script-limits.type';
export type { ScriptProblem } from './script-problem.type';
export type { ScriptResponse } from './script-response.type';
export { bodyJsonOf } from './script-response.util';
export { ScriptError, type ScriptErrorCode } from './script.error';
export { transpileScript, transpileScripts, type TranspiledScript } from './typescript-transpile.util';
export { INLINE_AFTER_CLEAN_RUNS, INLINE_BUDGET_MS, INLINE_EARNING_SLICE_MS, INLINE_OVERRUNS_ALLOWED, InlineGate } from './inline-gate';
