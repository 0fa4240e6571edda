/**
 * Backend services over HTTP, with node:http / node:https rather than fetch: the address check has to
 * run where the socket connects (a `lookup` function handed to net.connect), which Node's bundled
 * fetch does not let us reach without the undici package. See docs/adr/0006-backend-calls-over-node-http.md.
 */
import { promises as dns, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type BackendServiceConfig, type BackendServiceSettings, backendServiceConfig } from '@dsp/config';
import type { BackendCall, BackendResult } from './backend-call.type';
import { BackendCallError } from './backend-call.error';
import { BackendServices } from './backend-services.port';
import { isInternalAddress } from './internal-address.util';

/** Settings of one service; defaults and validation are @dsp/config's (GET and HEAD only, no internal addresses, 2 s, 1 MiB). */
export type HttpBackendServiceConfig = BackendServiceSettings;

/** Resolves a host name to every address it has; each one is checked before the socket may connect. */
export type HostResolver = (hostname: string, options: LookupAllOptions) => Promise<LookupAddress[]>;

export interface HttpBackendServicesOptions {
  /** dns.lookup (the system resolver, /etc/hosts included) unless a test stands in for DNS. */
  resolveHost?: HostResolver;
}

const ENCODED_SEPARATOR = /%(2f|5c)/i;

interface HttpBackendService {
  name: string;
  base: URL;
  config: BackendServiceConfig;
  agent: HttpAgent;
  lookup: LookupFunction;
}

/** Backend services reached over HTTP with JSON bodies, one base URL per service name. */
export class HttpBackendServices extends BackendServices {
  private readonly services = new Map<string, HttpBackendService>();

  /** Throws (naming the service and the setting) when a service's settings are invalid. */
  constructor(config: Record<string, HttpBackendServiceConfig>, options: HttpBackendServicesOptions = {}) {
    super();
    const resolveHost = options.resolveHost ?? ((hostname, lookupOptions) => dns.lookup(hostname, lookupOptions));
    for (const [name, settings] of Object.entries(config)) {
      const service = backendServiceConfig(name, settings, 'backend services');
      const base = new URL(service.baseUrl);
      if (!base.pathname.endsWith('/')) base.pathname += '/';
      // Keep-alive per service: a gateway calls the same few backends all day.
      const agent = base.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
      this.services.set(name, { name, base, config: service, agent, lookup: checkedLookup(name, service.allowPrivateNetwork, resolveHost) });
    }
  }

  names(): string[] {
    return [...this.services.keys()];
  }

  async call(call: BackendCall): Promise<BackendResult> {
    const service = this.services.get(call.service);
    if (service === undefined) {
      throw new BackendCallError('backend-unknown-service', `unknown backend service '${call.service}' (known: ${this.names().join(', ') || 'none'})`);
    }
    const method = this.methodOf(service, call);
    const url = this.urlOf(service, call);
    const payload = payloadOf(call);
    // An IP literal never goes through the lookup, so it is checked here; a host name is checked
    // in the lookup, on exactly the addresses the socket then connects to (no DNS rebinding window).
    const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal) !== 0 && !service.config.allowPrivateNetwork && isInternalAddress(literal)) throw addressRefused(service.name, literal);
    const timeoutMs = typeof call.timeoutMs === 'number' && call.timeoutMs > 0 ? Math.min(Math.ceil(call.timeoutMs), service.config.timeoutMs) : service.config.timeoutMs;
    return this.send(service, url, method, payload, timeoutMs);
  }

  private methodOf(service: HttpBackendService, call: BackendCall): string {
    const method = typeof call.method === 'string' ? call.method.toUpperCase() : '';
    if (!(service.config.methods as readonly string[]).includes(method)) {
      const shown = /^[A-Z]{1,16}$/.test(method) ? method : JSON.stringify(call.method);
      throw new BackendCallError('backend-method-not-allowed', `${service.name} does not allow ${shown} (allowed: ${service.config.methods.join(', ')})`);
    }
    return method;
  }

  /**
   * Appends the call's path to the base URL and refuses paths that climb out of it ('../', absolute
   * URLs, '\\host'), and encoded separators ('..%2f'), which the URL parser leaves alone but a backend
   * may decode into a climb of its own.
   */
  private urlOf(service: HttpBackendService, call: BackendCall): URL {
    if (ENCODED_SEPARATOR.test(call.path)) {
      throw new BackendCallError('backend-bad-path', `path '${call.path}' hides a path separator ('%2f', '%5c')`);
    }
    const url = new URL(call.path.replace(/^\/+/, ''), service.base);
    if (url.origin !== service.base.origin || !url.pathname.startsWith(service.base.pathname)) {
      throw new BackendCallError('backend-bad-path', `path '${call.path}' leaves service ${call.service}`);
    }
    for (const [key, value] of Object.entries(call.query ?? {})) url.searchParams.append(key, String(value));
    return url;
  }

  /** One request; redirects are not followed (a 3xx is the script's result, like any status). */
  private send(service: HttpBackendService, url: URL, method: string, payload: Buffer | undefined, timeoutMs: number): Promise<BackendResult> {
    const { name, config } = service;
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { accept: 'application/json' };
      if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers, agent: service.agent, lookup: service.lookup });
      let settled = false;
      const fail = (error: BackendCallError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.destroy();
        reject(error);
      };
      const tooLarge = (): BackendCallError =>
        new BackendCallError('backend-response-too-large', `${name} answered with more than ${config.maxResponseBytes} bytes, the most this service may send (maxResponseBytes)`);
      const timer = setTimeout(() => fail(new BackendCallError('backend-timeout', `${name} did not answer within ${timeoutMs} ms`)), timeoutMs);

      request.on('error', (error) => fail(callErrorOf(name, error)));
      request.on('response', (response: IncomingMessage) => {
        response.on('error', (error) => fail(callErrorOf(name, error)));
        if (Number(response.headers['content-length']) > config.maxResponseBytes) {
          fail(tooLarge());
          return;
        }
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > config.maxResponseBytes) fail(tooLarge());
          else chunks.push(chunk);
        });
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: bodyOf(Buffer.concat(chunks).toString('utf8'), response.headers['content-type']) });
        });
      });
      request.end(payload);
    });
  }
}

/**
 * The lookup net.connect uses for a service's host names: resolves every address and refuses the
 * connection when any of them is internal, unless the service may use the private network.
 */
function checkedLookup(service: string, allowPrivateNetwork: boolean, resolveHost: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(hostname, { ...options, all: true }).then(
      (addresses) => {
        const refused = allowPrivateNetwork ? undefined : addresses.find((a) => isInternalAddress(a.address));
        const first = addresses[0];
        if (refused !== undefined) callback(addressRefused(service, refused.address, hostname), '');
        else if (first === undefined) callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
        else if (options.all === true) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

function addressRefused(service: string, address: string, hostname?: string): BackendCallError {
  const where = hostname === undefined ? address : `${address} (${hostname})`;
  return new BackendCallError(
    'backend-address-refused',
    `${service} is at ${where}, an internal address: refused unless the service is configured with allowPrivateNetwork`,
  );
}

function payloadOf(call: BackendCall): Buffer | undefined {
  if (call.body === undefined) return undefined;
  try {
    return Buffer.from(JSON.stringify(call.body), 'utf8');
  } catch (error) {
    throw new BackendCallError('backend-bad-body', `the body for ${call.service} cannot be sent as JSON: ${messageOf(error)}`, { cause: error });
  }
}

function callErrorOf(service: string, error: unknown): BackendCallError {
  if (error instanceof BackendCallError) return error;
  return new BackendCallError('backend-unreachable', `${service} is unreachable: ${messageOf(error)}`, { cause: error });
}

function bodyOf(text: string, contentType: string | undefined): unknown {
  if (text === '') return null;
  if (!/\bjson\b/i.test(contentType ?? '')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
  return String(error);
}
