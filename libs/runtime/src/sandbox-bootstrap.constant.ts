/**
 * The code that prepares a repository's isolate before any of its modules runs: it trims the global
 * scope to an allow-list and builds the bridge between the host and the scripts' handlers.
 *
 * The host's isolated-vm References arrive as closure parameters ($0..$2) and live only in this
 * closure; nothing of isolated-vm is ever put on the global object or handed to script code. The
 * closure returns the four functions the host calls (invoke, settle, abandon, register). The
 * built-ins it relies on are captured up front so a script that patches them cannot bend the bridge.
 */

/** Standard ECMAScript built-ins a script may see. Left out on purpose: `console` (use ctx.log),
 * `WebAssembly`, `SharedArrayBuffer` / `Atomics` (no other thread to share with), and
 * `FinalizationRegistry`, whose callbacks would run outside any request's time budget. */
export const SANDBOX_GLOBALS: readonly string[] = Object.freeze([
  'globalThis', 'Infinity', 'NaN', 'undefined',
  'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape',
  'Object', 'Function', 'Boolean', 'Symbol', 'Number', 'BigInt', 'Math', 'Date', 'String', 'RegExp',
  'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError',
  'Array', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'ArrayBuffer', 'DataView', 'JSON',
  'Promise', 'Reflect', 'Proxy', 'Intl',
]);

/** How a run ended, as reported by the bootstrap's `hostDone(runId, outcome, payload)`. */
export const RUN_OUTCOME = Object.freeze({ ok: 0, threw: 1, badResponse: 2 });

/** ctx.log is for debugging, not a data channel: a few lines per request, each cut to a sane length. */
export const LOG_LINES_PER_RUN = 100;
export const LOG_LINE_CHARS = 2000;
const DESCRIPTION_CHARS = 4000;

export const SANDBOX_BOOTSTRAP = `'use strict';
const hostCall = $0; // (runId, callId, call): the host answers later through settle()
const hostLog = $1;  // (runId, line)
const hostDone = $2; // (runId, outcome, payload)
const OK = ${RUN_OUTCOME.ok}, THREW = ${RUN_OUTCOME.threw}, BAD_RESPONSE = ${RUN_OUTCOME.badResponse};

const allowed = new Set(${JSON.stringify(SANDBOX_GLOBALS)});
for (const name of Reflect.ownKeys(globalThis)) {
  if (typeof name === 'string' && !allowed.has(name)) delete globalThis[name];
}

const reflectApply = Reflect.apply;
const defineProperty = Object.defineProperty;
const freeze = Object.freeze;
const isArray = Array.isArray;
const stringify = JSON.stringify;
const PromiseCtor = Promise;
const promiseThen = Promise.prototype.then;
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const StringCtor = String;
const MapCtor = Map;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapDelete = Map.prototype.delete;
const stringSlice = String.prototype.slice;
const arrayJoin = Array.prototype.join;
const COPY_ARGUMENTS = freeze({ __proto__: null, arguments: freeze({ __proto__: null, copy: true }) });

const handlers = new MapCtor(); // script path -> default export
const runs = new MapCtor();     // run id -> Map(call id -> [resolve, reject]) while the run is active
let nextCallId = 0;

const cut = (text, max) => text.length > max ? reflectApply(stringSlice, text, [0, max]) + '…' : text;

function describe(error) {
  try {
    if (error instanceof ErrorCtor) {
      const stack = error.stack;
      return cut(typeof stack === 'string' ? stack : StringCtor(error.name) + ': ' + StringCtor(error.message), ${DESCRIPTION_CHARS});
    }
    return cut(StringCtor(error), ${DESCRIPTION_CHARS});
  } catch {
    return 'a value that cannot be described';
  }
}

function messageOf(error) {
  try {
    return error instanceof ErrorCtor ? StringCtor(error.message) : StringCtor(error);
  } catch {
    return 'unknown error';
  }
}

function finish(runId, outcome, payload) {
  if (!reflectApply(mapDelete, runs, [runId])) return;
  hostDone.applyIgnored(undefined, [runId, outcome, payload]);
}

function respond(runId, response) {
  if (response === null || typeof response !== 'object' || isArray(response)) {
    const kind = response === null ? 'null' : isArray(response) ? 'an array' : typeof response;
    finish(runId, BAD_RESPONSE, 'the handler must resolve to an object { status, headers?, body }, not ' + kind);
    return;
  }
  let json;
  try {
    const body = response.body;
    const kind = typeof body;
    if (kind === 'function' || kind === 'symbol' || kind === 'bigint') {
      finish(runId, BAD_RESPONSE, 'body must be a JSON value, not a ' + kind);
      return;
    }
    json = stringify({ status: response.status, headers: response.headers, body });
  } catch (error) {
    finish(runId, BAD_RESPONSE, 'the response cannot be serialised as JSON: ' + messageOf(error));
    return;
  }
  finish(runId, OK, json);
}

function send(runId, service, method, path, query, body) {
  return new PromiseCtor((resolve, reject) => {
    if (typeof service !== 'string' || typeof method !== 'string' || typeof path !== 'string') {
      reject(new TypeErrorCtor('a backend call needs a string service, method and path'));
      return;
    }
    if (query !== undefined && (query === null || typeof query !== 'object')) {
      reject(new TypeErrorCtor('query must be an object of strings'));
      return;
    }
    const pending = reflectApply(mapGet, runs, [runId]);
    if (pending === undefined) {
      reject(new ErrorCtor('this request has already finished; it can make no more backend calls'));
      return;
    }
    const callId = ++nextCallId;
    reflectApply(mapSet, pending, [callId, [resolve, reject]]);
    try {
      hostCall.applyIgnored(undefined, [runId, callId, { service, method, path, query, body }], COPY_ARGUMENTS);
    } catch (error) {
      reflectApply(mapDelete, pending, [callId]);
      reject(new TypeErrorCtor('the backend call cannot be sent: ' + messageOf(error)));
    }
  });
}

function serviceClient(runId, service) {
  return freeze({
    get: (path, options) => send(runId, service, 'GET', path, options?.query, undefined),
    delete: (path, options) => send(runId, service, 'DELETE', path, options?.query, undefined),
    post: (path, body, options) => send(runId, service, 'POST', path, options?.query, body),
    put: (path, body, options) => send(runId, service, 'PUT', path, options?.query, body),
  });
}

function formatLogArgument(value) {
  if (typeof value === 'string') return value;
  try {
    const json = stringify(value);
    return json === undefined ? StringCtor(value) : json;
  } catch {
    try { return StringCtor(value); } catch { return '[unprintable]'; }
  }
}

function createCtx(runId, serviceNames, wantsLog) {
  const services = {};
  for (const name of serviceNames) {
    defineProperty(services, name, { value: serviceClient(runId, name), enumerable: true });
  }
  let logged = 0;
  return freeze({
    services: freeze(services),
    call: (call) => call === null || typeof call !== 'object'
      ? PromiseCtor.reject(new TypeErrorCtor('ctx.call expects { service, method, path, query?, body? }'))
      : send(runId, call.service, call.method, call.path, call.query, call.body),
    log: (...values) => {
      if (!wantsLog || logged > ${LOG_LINES_PER_RUN} || reflectApply(mapGet, runs, [runId]) === undefined) return;
      logged += 1;
      const line = logged > ${LOG_LINES_PER_RUN}
        ? '[further log lines of this request were dropped]'
        : cut(reflectApply(arrayJoin, values.map(formatLogArgument), [' ']), ${LOG_LINE_CHARS});
      hostLog.applyIgnored(undefined, [runId, line]);
    },
  });
}

function invoke(runId, path, request, serviceNames, wantsLog) {
  const handler = reflectApply(mapGet, handlers, [path]);
  reflectApply(mapSet, runs, [runId, new MapCtor()]);
  let result;
  try {
    result = handler(request, createCtx(runId, serviceNames, wantsLog));
  } catch (error) {
    finish(runId, THREW, describe(error));
    return;
  }
  reflectApply(promiseThen, new PromiseCtor((resolve) => resolve(result)), [
    (response) => respond(runId, response),
    (error) => finish(runId, THREW, describe(error)),
  ]);
}

function settle(runId, callId, ok, value) {
  const pending = reflectApply(mapGet, runs, [runId]);
  const resolvers = pending === undefined ? undefined : reflectApply(mapGet, pending, [callId]);
  if (resolvers === undefined) return;
  reflectApply(mapDelete, pending, [callId]);
  if (ok) resolvers[0](value);
  else resolvers[1](new ErrorCtor(value));
}

// The run is over on the host's side (timed out): its pending calls will never settle, and
// whatever the script still does for it goes nowhere.
function abandon(runId) {
  reflectApply(mapDelete, runs, [runId]);
}

function register(path, namespace) {
  let handler;
  try {
    handler = namespace.default;
  } catch (error) {
    return 'its default export cannot be read: ' + messageOf(error);
  }
  if (typeof handler !== 'function') return 'it has no default export function (export default async (request, ctx) => ...)';
  reflectApply(mapSet, handlers, [path, handler]);
  return '';
}

return { invoke, settle, abandon, register };
`;
