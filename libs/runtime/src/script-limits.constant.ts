import type { ScriptLimits } from './script-limits.type';

export const MAX_SCRIPT_MEMORY_MB = 128;
/** isolated-vm refuses smaller heaps. */
export const MIN_SCRIPT_MEMORY_MB = 8;

export const DEFAULT_SCRIPT_LIMITS: Readonly<ScriptLimits> = Object.freeze({ timeoutMs: 1000, memoryMb: MAX_SCRIPT_MEMORY_MB });
