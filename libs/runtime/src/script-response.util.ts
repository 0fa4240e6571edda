import { ScriptError } from './script.error';
import type { ScriptResponse } from './script-response.type';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE_FORBIDDEN = /[\r\n\0]/;
/** Bodies of up to this many characters of JSON are parsed when the response is: see parseScriptResponse. */
const EAGER_BODY_CHARS = 1024;
const bodyJsonByResponse = new WeakMap<ScriptResponse, string>();

/**
 * Headers that frame the HTTP message or the connection belong to the server: a script that set
 * content-length or transfer-encoding could make the server's reply disagree with its own framing
 * and desynchronise the connection (response splitting behind a proxy).
 */
const SERVER_OWNED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/**
 * Validates what a handler resolved to, as the JSON text the isolate produced (so nothing live
 * crosses the boundary): an object with an integer status 100-599, optional string headers and
 * any JSON body.
 */
export function parseScriptResponse(payload: string, scriptPath: string): ScriptResponse {
  const bad = (why: string): ScriptError =>
    new ScriptError('script-bad-response', `${scriptPath} answered with a bad response: ${why}`, { scriptPath });
  // The isolate sends the JSON of { status, headers }, then NUL and the body's JSON when there is a body.
  const cut = payload.indexOf('\0');
  let value: unknown;
  try {
    value = JSON.parse(cut < 0 ? payload : payload.slice(0, cut));
  } catch {
    throw bad('it is not JSON');
  }
  if (!isRecord(value)) throw bad('the handler must resolve to an object { status, headers?, body }');
  const { status, headers } = value;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw bad(`status must be an integer from 100 to 599, got ${JSON.stringify(status) ?? 'nothing'}`);
  }
  const checkedHeaders: Record<string, string> = {};
  if (headers !== undefined) {
    if (!isRecord(headers)) throw bad('headers must be an object of strings');
    for (const [name, headerValue] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) throw bad(`header name ${JSON.stringify(name)} is not a valid HTTP header name`);
      if (SERVER_OWNED_HEADERS.has(name.toLowerCase())) throw bad(`header ${name} is set by the server, not by scripts`);
      if (typeof headerValue !== 'string') throw bad(`header ${name} must be a string, got ${JSON.stringify(headerValue)}`);
      if (HEADER_VALUE_FORBIDDEN.test(headerValue)) throw bad(`header ${name} contains a line break or NUL`);
      checkedHeaders[name] = headerValue;
    }
  }
  if (cut < 0) return { status, headers: checkedHeaders, body: undefined };
  const bodyJson = payload.slice(cut + 1);
  // A small body is parsed at once (a lazy accessor costs more than parsing it); a large one when
  // first read, if ever: a server sends bodyJsonOf instead.
  const response: ScriptResponse =
    bodyJson.length <= EAGER_BODY_CHARS ? { status, headers: checkedHeaders, body: JSON.parse(bodyJson) as unknown } : withLazyBody({ status, headers: checkedHeaders }, bodyJson);
  bodyJsonByResponse.set(response, bodyJson);
  return response;
}

/**
 * The body of a response from parseScriptResponse as the JSON text the script's isolate produced
 * (undefined without a body): a server sends it as it is instead of serialising the body again.
 */
export function bodyJsonOf(response: ScriptResponse): string | undefined {
  return bodyJsonByResponse.get(response);
}

/** A response whose body is parsed from `bodyJson` when it is first read. */
function withLazyBody(head: Omit<ScriptResponse, 'body'>, bodyJson: string): ScriptResponse {
  const response = head as ScriptResponse;
  Object.defineProperty(response, 'body', {
    enumerable: true,
    configurable: true,
    get(): unknown {
      const body: unknown = JSON.parse(bodyJson);
      Object.defineProperty(response, 'body', { value: body, enumerable: true, writable: true, configurable: true });
      return body;
    },
    set(value: unknown): void {
      Object.defineProperty(response, 'body', { value, enumerable: true, writable: true, configurable: true });
    },
  });
  return response;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
