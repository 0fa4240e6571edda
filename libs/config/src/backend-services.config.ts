/**
 * The backend services scripts may call through `ctx.services.<name>`: their shape, defaults and
 * validation, and the two ways an operator declares them (DSP_SERVICES_FILE, DSP_SERVICES).
 * Documented in the README's configuration section.
 */
import { readFileSync } from 'node:fs';

/** Methods an operator may allow. CONNECT and TRACE are left out: neither has a use behind a script. */
export const BACKEND_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type BackendMethod = (typeof BACKEND_METHODS)[number];

export interface BackendServiceConfig {
  /** http(s) URL a call's path is appended to, e.g. 'http://catalog.internal:8080/api'. */
  baseUrl: string;
  /** How long one call may take, connect to last byte of the answer. */
  timeoutMs: number;
  /** The HTTP methods scripts may use on this service; any other is refused before anything is sent. */
  methods: readonly BackendMethod[];
  /** Loopback, private, link-local (cloud metadata) and other internal addresses are refused unless true. */
  allowPrivateNetwork: boolean;
  /** A longer answer fails the call instead of filling the gateway's memory. */
  maxResponseBytes: number;
}

/** A service as written by an operator (or a test): everything but the base URL is optional. */
export type BackendServiceSettings = Pick<BackendServiceConfig, 'baseUrl'> & Partial<BackendServiceConfig>;

export const BACKEND_SERVICE_DEFAULTS: Readonly<Omit<BackendServiceConfig, 'baseUrl'>> = Object.freeze({
  timeoutMs: 2000,
  methods: Object.freeze(['GET', 'HEAD'] as const),
  allowPrivateNetwork: false,
  maxResponseBytes: 1024 * 1024,
});

const SETTINGS: readonly (keyof BackendServiceConfig)[] = ['baseUrl', 'timeoutMs', 'methods', 'allowPrivateNetwork', 'maxResponseBytes'];
/** A name a script can write as ctx.services.<name> (or ctx.services['my-name']). */
const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Validates one service and fills in the defaults. Errors name the source, the service and the field,
 * e.g. "services.json: service 'catalog': timeoutMs must be a positive integer, got -1".
 */
export function backendServiceConfig(name: string, settings: unknown, source: string): BackendServiceConfig {
  const fail: (message: string) => never = (message) => {
    throw new Error(`${source}: service '${name}': ${message}`);
  };
  if (!SERVICE_NAME.test(name)) {
    throw new Error(`${source}: '${name}' is not a service name (a letter, then letters, digits, '-' or '_')`);
  }
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) fail('must be an object { "baseUrl": "http://..." }');
  const entry = settings as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (!(SETTINGS as readonly string[]).includes(key)) fail(`unknown setting '${key}' (known: ${SETTINGS.join(', ')})`);
  }
  return {
    baseUrl: baseUrlOf(entry.baseUrl, fail),
    timeoutMs: positiveInteger('timeoutMs', entry.timeoutMs, BACKEND_SERVICE_DEFAULTS.timeoutMs, fail),
    methods: methodsOf(entry.methods, fail),
    allowPrivateNetwork: booleanOf('allowPrivateNetwork', entry.allowPrivateNetwork, BACKEND_SERVICE_DEFAULTS.allowPrivateNetwork, fail),
    maxResponseBytes: positiveInteger('maxResponseBytes', entry.maxResponseBytes, BACKEND_SERVICE_DEFAULTS.maxResponseBytes, fail),
  };
}

/** Validates every service of a `{ name: settings }` object. */
export function backendServicesConfig(services: unknown, source: string): Record<string, BackendServiceConfig> {
  if (services === null || typeof services !== 'object' || Array.isArray(services)) {
    throw new Error(`${source}: must be an object of services, { "catalog": { "baseUrl": "http://..." } }`);
  }
  const config: Record<string, BackendServiceConfig> = {};
  for (const [name, settings] of Object.entries(services)) config[name] = backendServiceConfig(name, settings, source);
  return config;
}

/**
 * The services of a process:
 * - DSP_SERVICES_FILE=/path/services.json: `{ "catalog": { "baseUrl", "timeoutMs"?, "methods"?, "allowPrivateNetwork"?, "maxResponseBytes"? } }`;
 * - DSP_SERVICES=catalog=http://...,ratings=http://...: the defaults for everything but the URL, and
 *   DSP_SERVICES_ALLOW_PRIVATE=catalog,ratings names the services that may be on internal addresses.
 * One source or the other, never both, so there is one place to read a service's settings.
 */
export function loadBackendServices(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): Record<string, BackendServiceConfig> {
  const file = env.DSP_SERVICES_FILE ?? '';
  const inline = env.DSP_SERVICES ?? '';
  const allowPrivate = env.DSP_SERVICES_ALLOW_PRIVATE ?? '';
  if (file === '') return parseInlineServices(inline, allowPrivate);
  if (inline.trim() !== '') throw new Error('set DSP_SERVICES_FILE or DSP_SERVICES, not both');
  if (allowPrivate.trim() !== '') throw new Error('DSP_SERVICES_ALLOW_PRIVATE goes with DSP_SERVICES; in DSP_SERVICES_FILE set "allowPrivateNetwork": true on the service');
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new Error(`DSP_SERVICES_FILE ${file} cannot be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`DSP_SERVICES_FILE ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return backendServicesConfig(parsed, file);
}

/** DSP_SERVICES: `catalog=http://127.0.0.1:7071/catalog,ratings=http://...`, DSP_SERVICES_ALLOW_PRIVATE: `catalog,ratings`. */
function parseInlineServices(value: string, allowPrivate: string): Record<string, BackendServiceConfig> {
  // No prototype: '__proto__=...' must land as a service (and be refused by name), not as a prototype.
  const settings = Object.create(null) as Record<string, BackendServiceSettings>;
  for (const pair of list(value)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`DSP_SERVICES entries look like name=url, got '${pair}'`);
    const name = pair.slice(0, eq).trim();
    if (Object.hasOwn(settings, name)) throw new Error(`DSP_SERVICES names service '${name}' twice`);
    settings[name] = { baseUrl: pair.slice(eq + 1).trim() };
  }
  for (const name of list(allowPrivate)) {
    const service = Object.hasOwn(settings, name) ? settings[name] : undefined;
    if (service === undefined) throw new Error(`DSP_SERVICES_ALLOW_PRIVATE names '${name}', which DSP_SERVICES does not declare`);
    service.allowPrivateNetwork = true;
  }
  return backendServicesConfig(settings, 'DSP_SERVICES');
}

function baseUrlOf(value: unknown, fail: (message: string) => never): string {
  if (typeof value !== 'string' || value === '') return fail('baseUrl is required, e.g. "http://catalog.internal:8080/api"');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`baseUrl '${value}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`baseUrl '${value}' must be http:// or https://, not ${url.protocol}//`);
  if (url.username !== '' || url.password !== '') fail('baseUrl must not carry credentials');
  if (url.search !== '' || url.hash !== '') fail(`baseUrl '${value}' must not have a query or fragment (a call's path replaces them)`);
  return value;
}

function methodsOf(value: unknown, fail: (message: string) => never): readonly BackendMethod[] {
  if (value === undefined) return BACKEND_SERVICE_DEFAULTS.methods;
  if (!Array.isArray(value) || value.length === 0) return fail(`methods must be a non-empty list such as ["GET", "POST"], got ${JSON.stringify(value)}`);
  const methods = new Set<BackendMethod>();
  for (const method of value as unknown[]) {
    const known = typeof method === 'string' ? BACKEND_METHODS.find((m) => m === method.toUpperCase()) : undefined;
    if (known === undefined) fail(`methods: ${JSON.stringify(method)} is not one of ${BACKEND_METHODS.join(', ')}`);
    else methods.add(known);
  }
  return [...methods];
}

function positiveInteger(field: string, value: unknown, fallback: number, fail: (message: string) => never): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) return fail(`${field} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

function booleanOf(field: string, value: unknown, fallback: boolean, fail: (message: string) => never): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') return fail(`${field} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
