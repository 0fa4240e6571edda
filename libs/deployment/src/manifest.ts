/** Parsing and validation of `dsp.json`, the manifest that declares a repository's endpoints. */
import type { EndpointDeclarationV1, ManifestV1 } from '@dsp/contracts';
import { MANIFEST_PATH } from '@dsp/contracts';
import { isScriptPath } from '@dsp/runtime';
import { jsonErrorOffset } from './json-error-position.util';

/** The runtime decides what a script is (.js, .mjs, .ts, .mts); the manifest may only point at one. */
export { isScriptPath };

export interface ManifestProblem {
  path: string;
  line?: number;
  message: string;
}

export const ENDPOINT_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export const ENDPOINT_LIMITS = { timeoutMs: { min: 1, max: 30_000, default: 1_000 }, memoryMb: { min: 8, max: 128, default: 128 } } as const;
const PATH_PATTERN = /^\/(?:[A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*)(?:\/(?:[A-Za-z0-9._~-]+|:[A-Za-z_][A-Za-z0-9_]*))*$|^\/$/;

/** A route's identity for ownership: parameter names do not matter, `/a/:x` and `/a/:y` clash. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, ':')}`;
}

export function parseManifest(content: string, files: ReadonlyMap<string, string>): { manifest: ManifestV1; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const problem = (message: string): void => {
    problems.push({ path: MANIFEST_PATH, message });
  };
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = jsonErrorOffset(content);
    const line = offset === null ? undefined : content.slice(0, offset).split('\n').length;
    problems.push({ path: MANIFEST_PATH, ...(line === undefined ? {} : { line }), message: `not valid JSON: ${message}` });
    return { manifest: { endpoints: [] }, problems };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problem('must be a JSON object with an "endpoints" array');
    return { manifest: { endpoints: [] }, problems };
  }
  const endpointsRaw = (raw as { endpoints?: unknown }).endpoints;
  if (!Array.isArray(endpointsRaw)) {
    problem('"endpoints" must be an array');
    return { manifest: { endpoints: [] }, problems };
  }
  const endpoints: EndpointDeclarationV1[] = [];
  const seen = new Set<string>();
  endpointsRaw.forEach((value: unknown, i) => {
    const where = `endpoints[${i}]`;
    if (typeof value !== 'object' || value === null) return problem(`${where} must be an object`);
    const e = value as Record<string, unknown>;
    const method = typeof e.method === 'string' ? e.method.toUpperCase() : '';
    if (!(ENDPOINT_METHODS as readonly string[]).includes(method)) {
      return problem(`${where}.method must be one of ${ENDPOINT_METHODS.join(', ')}`);
    }
    if (typeof e.path !== 'string' || !PATH_PATTERN.test(e.path)) {
      return problem(`${where}.path must look like /segment/:param (letters, digits, ._~- and :params), got ${JSON.stringify(e.path)}`);
    }
    if (typeof e.script !== 'string' || !isScriptPath(e.script)) return problem(`${where}.script must name a .js, .mjs, .ts or .mts file${notScriptHint(e.script)}`);
    if (!files.has(e.script)) return problem(`${where}.script '${e.script}' does not exist in the repository`);
    for (const limit of ['timeoutMs', 'memoryMb'] as const) {
      const v = e[limit];
      const { min, max } = ENDPOINT_LIMITS[limit];
      if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)) {
        return problem(`${where}.${limit} must be an integer from ${min} to ${max}`);
      }
    }
    const key = routeKey(method, e.path);
    if (seen.has(key)) return problem(`${where}: ${method} ${e.path} is declared twice`);
    seen.add(key);
    endpoints.push({
      method,
      path: e.path,
      script: e.script,
      ...(typeof e.timeoutMs === 'number' ? { timeoutMs: e.timeoutMs } : {}),
      ...(typeof e.memoryMb === 'number' ? { memoryMb: e.memoryMb } : {}),
    });
  });
  return { manifest: { endpoints }, problems };
}

/** Why a file that looks like TypeScript is still not a script. */
function notScriptHint(script: unknown): string {
  if (typeof script !== 'string') return '';
  if (/\.d\.m?ts$/.test(script)) return `: '${script}' is a declaration file, which holds types only`;
  if (/\.[jt]sx$/.test(script)) return `: JSX is not supported (a .tsx or .jsx file is data); without JSX, name it .ts or .js`;
  return '';
}
