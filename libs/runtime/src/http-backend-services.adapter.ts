import type { BackendCall, BackendResult } from './backend-call.type';
import { BackendCallError } from './backend-call.error';
import { BackendServices } from './backend-services.port';

export interface HttpBackendServiceConfig {
  /** e.g. 'http://catalog.internal:8080/api'; a call's path is appended to it. */
  baseUrl: string;
  timeoutMs?: number;
}

const DEFAULT_BACKEND_TIMEOUT_MS = 5000;
const ENCODED_SEPARATOR = /%(2f|5c)/i;

interface HttpBackendService {
  base: URL;
  timeoutMs: number;
}

/** Backend services reached over HTTP with JSON bodies, one base URL per service name. */
export class HttpBackendServices extends BackendServices {
  private readonly services = new Map<string, HttpBackendService>();

  constructor(config: Record<string, HttpBackendServiceConfig>) {
    super();
    for (const [name, { baseUrl, timeoutMs }] of Object.entries(config)) {
      const base = new URL(baseUrl);
      if (!base.pathname.endsWith('/')) base.pathname += '/';
      this.services.set(name, { base, timeoutMs: timeoutMs ?? DEFAULT_BACKEND_TIMEOUT_MS });
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
    const url = this.urlOf(service, call);
    const hasBody = call.body !== undefined;
    try {
      const response = await fetch(url, {
        method: call.method.toUpperCase(),
        headers: hasBody ? { accept: 'application/json', 'content-type': 'application/json' } : { accept: 'application/json' },
        body: hasBody ? JSON.stringify(call.body) : undefined,
        signal: AbortSignal.timeout(service.timeoutMs),
      });
      return { status: response.status, body: await bodyOf(response) };
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new BackendCallError('backend-timeout', `${call.service} did not answer within ${service.timeoutMs} ms`, { cause: error });
      }
      throw new BackendCallError('backend-unreachable', `${call.service} is unreachable: ${messageOf(error)}`, { cause: error });
    }
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
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  if (!/\bjson\b/i.test(response.headers.get('content-type') ?? '')) return text;
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
