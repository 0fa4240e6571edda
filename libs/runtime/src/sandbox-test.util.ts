import { afterEach } from 'vitest';
import { CompiledRepository, type CompileOptions } from './compiled-repository.sandbox';
import type { DeviceRequest } from './device-request.type';
import type { ScriptFile } from './script-file.type';
import type { ScriptLimits } from './script-limits.type';
import { ScriptError, type ScriptErrorCode } from './script.error';

/** Shared by the runtime's specs: a device request with sensible defaults. */
export function deviceRequest(overrides: Partial<DeviceRequest> = {}): DeviceRequest {
  return { method: 'GET', path: '/hello', params: {}, query: {}, headers: {}, body: null, ...overrides };
}

export const TEST_LIMITS: ScriptLimits = { timeoutMs: 1000, memoryMb: 32 };

/** Awaits a run that must fail with a ScriptError and returns that error, for assertions. */
export async function scriptErrorOf(run: Promise<unknown>, code: ScriptErrorCode): Promise<ScriptError> {
  let outcome: unknown;
  try {
    outcome = await run;
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    if (error.code !== code) throw new Error(`expected ${code} but got ${error.code}: ${error.message}`);
    return error;
  }
  throw new Error(`expected ${code} but the run answered ${JSON.stringify(outcome)}`);
}

/** A compile function for a spec file: every repository it compiles is disposed after each test. */
export function compilerForSpec(defaults: CompileOptions = { memoryMb: TEST_LIMITS.memoryMb }): (files: ScriptFile[], options?: CompileOptions) => Promise<CompiledRepository> {
  const opened: CompiledRepository[] = [];
  afterEach(() => {
    for (const repository of opened.splice(0)) repository.dispose();
  });
  return async (files, options = {}) => {
    const repository = await CompiledRepository.compile(files, { ...defaults, ...options });
    opened.push(repository);
    return repository;
  };
}

/** The longest the host's event loop went without turning while `work` ran (a 1 ms ticker's largest gap). */
export async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 1);
  try {
    last = performance.now();
    const value = await work();
    stallMs = Math.max(stallMs, performance.now() - last);
    return { value, stallMs };
  } finally {
    clearInterval(ticker);
  }
}
