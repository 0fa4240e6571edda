/**
 * Shared by the escape corpus (`escapes/*.spec.ts`): compiles an attack script beside a benign one,
 * runs it, and checks the two things every scenario must leave true afterwards: the host's
 * built-ins are exactly as they were, and the repository (or a fresh compilation, when the attack
 * legitimately cost the isolate) still serves the benign script.
 */
import { afterAll, expect } from 'vitest';
import type { BackendServices } from '../backend-services.port';
import { CompiledRepository } from '../compiled-repository.sandbox';
import { InlineGate } from '../inline-gate';
import type { DeviceRequest } from '../device-request.type';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import type { RunHooks } from '../run-hooks.type';
import { deviceRequest } from '../sandbox-test.util';
import type { ScriptFile } from '../script-file.type';
import type { ScriptLimits } from '../script-limits.type';
import type { ScriptResponse } from '../script-response.type';

/** Small limits keep the corpus fast: a CPU bomb costs 150 ms, a memory bomb fills 16 MB. */
export const ATTACK_LIMITS: ScriptLimits = Object.freeze({ timeoutMs: 150, memoryMb: 16 });
/** For memory bombs: long enough that the heap limit, not the clock, ends them. */
export const MEMORY_BOMB_LIMITS: ScriptLimits = Object.freeze({ timeoutMs: 3000, memoryMb: 16 });

const BENIGN: ScriptFile = { path: 'benign.js', source: `export default (request) => ({ status: 200, body: { serving: true, echo: request.params.echo ?? null } });` };

export interface Attack {
  readonly repository: CompiledRepository;
  readonly files: ScriptFile[];
  readonly memoryMb: number;
}

const opened: CompiledRepository[] = [];

/**
 * DSP_ESCAPES_INLINE=on (the `escapes-inline` test project) puts every attack on the inline path:
 * its module is evaluated first and its gate trusts it at once, so the attack's own run is the
 * first slice run on the test's thread (ADR 10).
 */
const INLINE = process.env.DSP_ESCAPES_INLINE === 'on';
const inlineGates: InlineGate[] = [];
if (INLINE) {
  // Proof that the project does what it says: the attacks of each file did run inline.
  afterAll(() => expect(inlineGates.reduce((runs, gate) => runs + gate.inlineRuns, 0)).toBeGreaterThan(0));
}

/** Compiles `attack.js` (plus any helper modules) beside the benign script. */
export async function compileAttack(source: string, options: { memoryMb?: number; extraFiles?: ScriptFile[] } = {}): Promise<Attack> {
  const memoryMb = options.memoryMb ?? ATTACK_LIMITS.memoryMb;
  const files = [{ path: 'attack.js', source }, ...(options.extraFiles ?? []), BENIGN];
  const gate = INLINE ? new InlineGate('attacker', 0) : undefined;
  if (gate) inlineGates.push(gate);
  const repository = await CompiledRepository.compile(files, { memoryMb, inline: gate });
  opened.push(repository);
  // Modules load in the isolate's thread, never inline: an attack made while its module loads
  // (found out on a throwaway compilation) is left for its run to load, as in production.
  if (INLINE && (await loadsCleanly(files, memoryMb))) await repository.prepare('attack.js', ATTACK_LIMITS.timeoutMs);
  return { repository, files, memoryMb };
}

async function loadsCleanly(files: ScriptFile[], memoryMb: number): Promise<boolean> {
  const probe = await CompiledRepository.compile(files, { memoryMb }).catch(() => undefined);
  if (probe === undefined) return false;
  try {
    await probe.prepare('attack.js', ATTACK_LIMITS.timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    probe.dispose();
  }
}

export function runAttack(
  attack: Attack,
  options: { script?: string; services?: BackendServices; limits?: ScriptLimits; request?: Partial<DeviceRequest>; hooks?: RunHooks } = {},
): Promise<ScriptResponse> {
  return attack.repository.run(
    options.script ?? 'attack.js',
    deviceRequest(options.request),
    options.services ?? new RecordingBackendServices({}),
    options.limits ?? { ...ATTACK_LIMITS, memoryMb: attack.memoryMb },
    options.hooks,
  );
}

/** Compiles and runs one attack script, for scenarios that need nothing else. */
export async function attackWith(
  source: string,
  options: Parameters<typeof runAttack>[1] & { memoryMb?: number; extraFiles?: ScriptFile[] } = {},
): Promise<{ attack: Attack; outcome: Promise<ScriptResponse> }> {
  const attack = await compileAttack(source, { memoryMb: options.memoryMb, extraFiles: options.extraFiles });
  return { attack, outcome: runAttack(attack, options) };
}

/**
 * Asserts whether the attack cost its isolate, then that the benign script is served: by the same
 * compilation when it survived, by a fresh one when it did not.
 */
export async function expectServesAfter(attack: Attack, expected: { disposed: boolean }): Promise<void> {
  expect(attack.repository.disposed).toBe(expected.disposed);
  let repository = attack.repository;
  if (repository.disposed) {
    repository = await CompiledRepository.compile(attack.files, { memoryMb: attack.memoryMb });
    opened.push(repository);
  }
  const response = await repository.run('benign.js', deviceRequest({ params: { echo: 'after' } }), new RecordingBackendServices({}), {
    timeoutMs: 2000,
    memoryMb: attack.memoryMb,
  });
  expect(response).toEqual({ status: 200, headers: {}, body: { serving: true, echo: 'after' } });
}

export function disposeAttacks(): void {
  for (const repository of opened.splice(0)) repository.dispose();
}

// --- the host's built-ins, as they were when the corpus file loaded ---

const HOST_OBJECTS: Record<string, object> = {
  'Object.prototype': Object.prototype,
  'Array.prototype': Array.prototype,
  'Function.prototype': Function.prototype,
  'String.prototype': String.prototype,
  'Promise.prototype': Promise.prototype,
  'Error.prototype': Error.prototype,
  Object,
  Array,
  Promise,
  Error,
  JSON,
  Reflect,
  Symbol,
};
/** Node defines some globals lazily (a getter that turns into a value): only their names are compared. */
const HOST_NAMESPACES: Record<string, object> = { globalThis, process };

function describeHost(): Record<string, string[]> {
  return Object.fromEntries([
    // String keys only: libraries register symbols on first use (undici's global dispatcher).
    ...Object.entries(HOST_NAMESPACES).map(([name, object]) => [name, Object.getOwnPropertyNames(object).sort()]),
    ...Object.entries(HOST_OBJECTS).map(([name, object]) => [
      name,
      Reflect.ownKeys(object)
        .map((key) => {
          const descriptor = Reflect.getOwnPropertyDescriptor(object, key);
          const value = descriptor !== undefined && 'value' in descriptor && typeof descriptor.value === 'function' ? `fn:${(descriptor.value as { name: string }).name}` : '';
          return `${String(key)}${value}`;
        })
        .sort(),
    ]),
  ]);
}

const HOST_AT_LOAD = describeHost();
const NATIVE_HOST_FUNCTIONS = [JSON.parse, JSON.stringify, Function.prototype.call, Function.prototype.apply, Array.prototype.map, Promise.prototype.then, Object.defineProperty, Reflect.apply];

/** No escape may have touched the host realm: no new, removed or replaced properties on its built-ins. */
export function expectHostIntact(): void {
  expect(describeHost()).toEqual(HOST_AT_LOAD);
  expect(NATIVE_HOST_FUNCTIONS.map((fn) => Function.prototype.toString.call(fn).includes('[native code]'))).toEqual(NATIVE_HOST_FUNCTIONS.map(() => true));
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(typeof process.exit).toBe('function');
}
