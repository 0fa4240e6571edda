/**
 * The code that prepares a repository's isolate before any of its modules runs: it trims the global
 * scope to an allow-list, guards the built-ins that V8 runs without interruption, and builds the
 * bridge between the host and the scripts' handlers.
 *
 * The host's isolated-vm References arrive as closure parameters ($0..$2) and live only in this
 * closure; nothing of isolated-vm is ever put on the global object or handed to script code. The
 * closure returns the functions the host calls (invoke, invokeMany, collectMany, settle, abandon, register). Every
 * built-in the bridge relies on is captured up front and called through Reflect.apply, and every
 * object the bridge builds for itself has no prototype, so a script that patches built-ins or
 * Object.prototype (species, setters, iterators, toJSON) cannot bend the bridge.
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
/** Backend calls one request may make; further calls reject inside the script and never reach the host. */
export const BACKEND_CALLS_PER_RUN = 100;
/** A response's JSON text, at most: the host parses it on its event loop. */
export const MAX_RESPONSE_CHARS = 4 * 1024 * 1024;
/** Nesting of arrays and objects in a response, at most: deeper JSON is more than the host's recursive code (serialisers, loggers) can take. */
export const MAX_RESPONSE_DEPTH = 100;
/**
 * Elements a built-in may walk in one call (Array.prototype methods, Array.from, apply, split,
 * Object.keys of a string). V8 runs these loops without checking for termination, so a timeout
 * cannot stop `new Array(1e9).fill(0)` or `[].indexOf.call({ length: 2 ** 53 - 1 })`, and some of them
 * (over 2 ** 27 elements) abort the whole process. A million elements take V8 well under 100 ms.
 */
export const MAX_BUILTIN_ELEMENTS = 1_000_000;
/** Characters JSON.parse accepts in one text, for the same reason. */
export const MAX_JSON_TEXT_CHARS = 8 * 1024 * 1024;
/**
 * Entries a Map or Set may hold, per MB of the isolate's memory limit. Growing a hash table
 * allocates its successor in one piece; near the heap limit V8 then aborts the whole process
 * (CALL_AND_RETRY_LAST) instead of letting isolated-vm end the isolate. That happens at about
 * 8000 entries per MB; the cap stays at half of it.
 */
export const MAP_ENTRIES_PER_MB = 4096;
const DESCRIPTION_CHARS = 4000;

/** Array.prototype methods that walk `this.length` elements inside V8. */
const LENGTH_WALKING_ARRAY_METHODS = [
  'copyWithin', 'every', 'fill', 'filter', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flat', 'flatMap', 'forEach',
  'includes', 'indexOf', 'join', 'lastIndexOf', 'map', 'reduce', 'reduceRight', 'reverse', 'shift', 'slice', 'some',
  'sort', 'splice', 'toLocaleString', 'toReversed', 'toSorted', 'toSpliced', 'unshift', 'with',
];

export const SANDBOX_BOOTSTRAP = `'use strict';
const hostCall = $0; // (runId, callId, call): the host answers later through settle()
const hostLog = $1;  // (runId, line)
const hostDone = $2; // (runId, outcome, payload)
const MAX_MAP_ENTRIES = $3; // MAP_ENTRIES_PER_MB for this isolate's memory limit
const OK = ${RUN_OUTCOME.ok}, THREW = ${RUN_OUTCOME.threw}, BAD_RESPONSE = ${RUN_OUTCOME.badResponse};

const allowed = new Set(${JSON.stringify(SANDBOX_GLOBALS)});
for (const name of Reflect.ownKeys(globalThis)) {
  if (typeof name === 'string' && !allowed.has(name)) delete globalThis[name];
}

const reflectApply = Reflect.apply;
const DateCtor = Date;
const dateNow = Date.now;
const defineProperty = Object.defineProperty;
const freeze = Object.freeze;
const isArray = Array.isArray;
const stringify = JSON.stringify;
const PromiseCtor = Promise;
const promiseReject = Promise.reject;
const ErrorCtor = Error;
const TypeErrorCtor = TypeError;
const RangeErrorCtor = RangeError;
const StringCtor = String;
const MapCtor = Map;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapDelete = Map.prototype.delete;
const stringSlice = String.prototype.slice;
const COPY_ARGUMENTS = freeze({ __proto__: null, arguments: freeze({ __proto__: null, copy: true }) });

// --- guards on built-ins that V8 runs without checking for termination -------------------------
// A timeout or dispose() reaches a script only where V8 checks for interrupts; these built-ins walk
// up to 2 ** 53 - 1 elements without one, and some abort the process beyond 2 ** 27. Each guard reads
// the size once and refuses sizes above the limit before V8 starts walking.

const MAX_ELEMENTS = ${MAX_BUILTIN_ELEMENTS};
const tooLarge = (what, max) => new RangeErrorCtor(what + ' exceeds the sandbox limit of ' + max);
const sizeOf = (value) => (value === null || value === undefined ? 0 : +value.length);

function guard(owner, name, check) {
  const original = owner[name];
  const guarded = { [name](...args) {
    check(this, args);
    return reflectApply(original, this, args);
  } }[name];
  defineProperty(guarded, 'length', { __proto__: null, value: original.length });
  defineProperty(owner, name, { __proto__: null, value: guarded, writable: true, enumerable: false, configurable: true });
}

const receiverWithin = (name) => (receiver) => {
  const size = sizeOf(receiver);
  if (size > MAX_ELEMENTS) throw tooLarge('Array.prototype.' + name + ' on ' + size + ' elements', MAX_ELEMENTS);
};
for (const name of ${JSON.stringify(LENGTH_WALKING_ARRAY_METHODS)}) {
  if (typeof Array.prototype[name] === 'function') guard(Array.prototype, name, receiverWithin(name));
}
guard(Array, 'from', (receiver, args) => {
  const size = sizeOf(args[0]);
  if (size > MAX_ELEMENTS) throw tooLarge('Array.from of ' + size + ' elements', MAX_ELEMENTS);
});
const argumentsWithin = (what, index) => (receiver, args) => {
  const list = args[index];
  const size = list !== null && (typeof list === 'object' || typeof list === 'function') ? +list.length : 0;
  if (size > MAX_ELEMENTS) throw tooLarge(what + ' with ' + size + ' arguments', MAX_ELEMENTS);
};
guard(Function.prototype, 'apply', argumentsWithin('Function.prototype.apply', 1));
guard(Reflect, 'apply', argumentsWithin('Reflect.apply', 2));
guard(Reflect, 'construct', argumentsWithin('Reflect.construct', 1));
for (const name of ['keys', 'values', 'entries', 'getOwnPropertyNames', 'assign']) {
  guard(Object, name, (receiver, args) => {
    for (let i = 0; i < args.length; i += 1) {
      if (typeof args[i] === 'string' && args[i].length > MAX_ELEMENTS) throw tooLarge('Object.' + name + ' of a string of ' + args[i].length + ' characters', MAX_ELEMENTS);
    }
  });
}
for (const [Collection, name] of [[Map, 'set'], [Set, 'add']]) {
  const has = Collection.prototype.has;
  const size = Reflect.getOwnPropertyDescriptor(Collection.prototype, 'size').get;
  guard(Collection.prototype, name, (receiver, args) => {
    if (reflectApply(size, receiver, []) >= MAX_MAP_ENTRIES && !reflectApply(has, receiver, [args[0]])) {
      throw tooLarge(Collection.name + '.prototype.' + name + ' beyond ' + MAX_MAP_ENTRIES + ' entries', MAX_MAP_ENTRIES);
    }
  });
}
{
  // split gets a limit V8 honours, so it stops early instead of building a list it cannot hold.
  const split = String.prototype.split;
  const guarded = { split(separator, limit) {
    const wanted = limit === undefined ? 4294967295 : limit >>> 0;
    if (wanted <= MAX_ELEMENTS) return reflectApply(split, this, [separator, wanted]);
    const parts = reflectApply(split, this, [separator, MAX_ELEMENTS + 1]);
    if (sizeOf(parts) > MAX_ELEMENTS) throw tooLarge('String.prototype.split into more parts', MAX_ELEMENTS);
    return parts;
  } }.split;
  defineProperty(String.prototype, 'split', { __proto__: null, value: guarded, writable: true, enumerable: false, configurable: true });
}
{
  const parse = JSON.parse;
  const guarded = { parse(text, reviver) {
    const source = \`\${text}\`;
    if (source.length > ${MAX_JSON_TEXT_CHARS}) throw tooLarge('JSON.parse of ' + source.length + ' characters', ${MAX_JSON_TEXT_CHARS});
    return reflectApply(parse, this, [source, reviver]);
  } }.parse;
  defineProperty(JSON, 'parse', { __proto__: null, value: guarded, writable: true, enumerable: false, configurable: true });
}

// --- the bridge ----------------------------------------------------------------------------------

const handlers = new MapCtor(); // script path -> default export
// run id -> { pending: Map(call id -> [resolve, reject]) once it calls a backend, calls } while the
// run is active. Plain objects whose properties all exist from the start: reading and writing own
// data properties never reaches a prototype a script may have given setters.
const runs = new MapCtor();
// The open inline batch (see invokeMany): its runs' outcomes, and run id -> index in them. A batch is
// open from invokeMany until the host's next call into the isolate: only such a call can make a
// script go on (settling a backend call, another run), so a run that finishes after that reports
// through hostDone like any other.
let batchOutcomes;
const inlineRuns = new MapCtor();
const mapClear = Map.prototype.clear;
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
    return cut(error instanceof ErrorCtor ? StringCtor(error.message) : StringCtor(error), ${DESCRIPTION_CHARS});
  } catch {
    return 'unknown error';
  }
}

function finish(runId, outcome, payload) {
  if (!reflectApply(mapDelete, runs, [runId])) return;
  const index = batchOutcomes === undefined ? undefined : reflectApply(mapGet, inlineRuns, [runId]);
  if (index !== undefined) {
    // Returned to the host by invokeMany: microtasks run before its result is copied out.
    batchOutcomes[index] = outcome + payload;
    return;
  }
  hostDone.applyIgnored(undefined, [runId, outcome, payload]);
}

/** The host called in again: runs of the last inline batch that had not finished report through hostDone. */
function closeBatch() {
  if (batchOutcomes === undefined) return;
  batchOutcomes = undefined;
  reflectApply(mapClear, inlineRuns, []);
}

/** True when the JSON text nests arrays and objects deeper than max (strings skipped). */
function nestsDeeperThan(json, max) {
  if (json.length <= max * 2) return false;
  let depth = 0;
  for (let i = 0; i < json.length; i += 1) {
    const c = json[i];
    if (c === '"') {
      for (i += 1; i < json.length && json[i] !== '"'; i += 1) if (json[i] === '\\\\') i += 1;
    } else if (c === '[' || c === '{') {
      if (++depth > max) return true;
    } else if (c === ']' || c === '}') {
      depth -= 1;
    }
  }
  return false;
}

function respond(runId, response) {
  let json;
  try {
    if (response === null || typeof response !== 'object' || isArray(response)) {
      const kind = response === null ? 'null' : typeof response !== 'object' ? typeof response : 'an array';
      finish(runId, BAD_RESPONSE, 'the handler must resolve to an object { status, headers?, body }, not ' + kind);
      return;
    }
    const body = response.body;
    const kind = typeof body;
    if (kind === 'function' || kind === 'symbol' || kind === 'bigint') {
      finish(runId, BAD_RESPONSE, 'body must be a JSON value, not a ' + kind);
      return;
    }
    // Status and headers, then NUL (never found in JSON text), then the body's own JSON: the host
    // parses the small head and sends the body's text as it is. The head is put together here
    // (what JSON.stringify of { status, headers } gives, without an object a script could reach).
    const statusJson = stringify(response.status);
    const headersJson = stringify(response.headers);
    json = statusJson === undefined ? '{' : '{"status":' + statusJson;
    if (headersJson !== undefined) json = json + (statusJson === undefined ? '"headers":' : ',"headers":') + headersJson;
    json = json + '}';
    const bodyJson = body === undefined ? undefined : stringify(body);
    if (typeof bodyJson === 'string') json = json + '\\0' + bodyJson;
  } catch (error) {
    finish(runId, BAD_RESPONSE, 'the response cannot be serialised as JSON: ' + messageOf(error));
    return;
  }
  if (json.length > ${MAX_RESPONSE_CHARS}) {
    finish(runId, BAD_RESPONSE, 'the response is ' + json.length + ' characters of JSON, more than the limit of ${MAX_RESPONSE_CHARS}');
    return;
  }
  if (nestsDeeperThan(json, ${MAX_RESPONSE_DEPTH})) {
    finish(runId, BAD_RESPONSE, 'the response nests arrays and objects deeper than the limit of ${MAX_RESPONSE_DEPTH}');
    return;
  }
  finish(runId, OK, json);
}

function send(runId, service, method, path, query, body, timeoutMs) {
  return new PromiseCtor((resolve, reject) => {
    if (typeof service !== 'string' || typeof method !== 'string' || typeof path !== 'string') {
      reject(new TypeErrorCtor('a backend call needs a string service, method and path'));
      return;
    }
    if (query !== undefined && (query === null || typeof query !== 'object')) {
      reject(new TypeErrorCtor('query must be an object of strings'));
      return;
    }
    if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) {
      reject(new TypeErrorCtor('timeoutMs must be a positive number of milliseconds'));
      return;
    }
    const run = reflectApply(mapGet, runs, [runId]);
    if (run === undefined) {
      reject(new ErrorCtor('this request has already finished; it can make no more backend calls'));
      return;
    }
    if (run.calls >= ${BACKEND_CALLS_PER_RUN}) {
      reject(new RangeErrorCtor('this request has made ${BACKEND_CALLS_PER_RUN} backend calls, the most one request may make'));
      return;
    }
    run.calls += 1;
    const callId = ++nextCallId;
    if (run.pending === undefined) run.pending = new MapCtor();
    reflectApply(mapSet, run.pending, [callId, [resolve, reject]]);
    try {
      hostCall.applyIgnored(undefined, [runId, callId, { service, method, path, query, body, timeoutMs }], COPY_ARGUMENTS);
    } catch (error) {
      reflectApply(mapDelete, run.pending, [callId]);
      reject(new TypeErrorCtor('the backend call cannot be sent: ' + messageOf(error)));
    }
  });
}

function serviceClient(runId, service) {
  return freeze({
    get: (path, options) => send(runId, service, 'GET', path, options?.query, undefined, options?.timeoutMs),
    delete: (path, options) => send(runId, service, 'DELETE', path, options?.query, undefined, options?.timeoutMs),
    post: (path, body, options) => send(runId, service, 'POST', path, options?.query, body, options?.timeoutMs),
    put: (path, body, options) => send(runId, service, 'PUT', path, options?.query, body, options?.timeoutMs),
  });
}

function formatLogArgument(value) {
  if (typeof value === 'string') return value;
  try {
    const json = stringify(value);
    return typeof json === 'string' ? json : StringCtor(value);
  } catch {
    try { return StringCtor(value); } catch { return '[unprintable]'; }
  }
}

/**
 * A run's ctx: a frozen object of its own with call and log; services is built on first use, by an
 * accessor on the shared prototype (most handlers of a busy endpoint never touch it, and an
 * accessor of its own per ctx costs more than the rest of a trivial run). Fields are defined, not
 * assigned, so no setter a script put on Object.prototype sees them; the prototype is frozen and
 * has no constructor a script could call to forge a ctx of another run.
 */
class RunContext {
  #runId;
  #serviceNames;
  #wantsLog;
  #services;
  #logged = 0;
  call = (call) => call === null || typeof call !== 'object'
    ? reflectApply(promiseReject, PromiseCtor, [new TypeErrorCtor('ctx.call expects { service, method, path, query?, body? }')])
    : send(this.#runId, call.service, call.method, call.path, call.query, call.body, call.timeoutMs);
  log = (...values) => {
    const runId = this.#runId;
    if (!this.#wantsLog || this.#logged > ${LOG_LINES_PER_RUN} || reflectApply(mapGet, runs, [runId]) === undefined) return;
    this.#logged += 1;
    let line = '';
    if (this.#logged > ${LOG_LINES_PER_RUN}) {
      line = '[further log lines of this request were dropped]';
    } else {
      for (let i = 0; i < values.length && line.length <= ${LOG_LINE_CHARS}; i += 1) {
        line = (i === 0 ? '' : line + ' ') + formatLogArgument(values[i]);
      }
      line = cut(line, ${LOG_LINE_CHARS});
    }
    hostLog.applyIgnored(undefined, [runId, line]);
  };

  constructor(runId, serviceNames, wantsLog) {
    this.#runId = runId;
    this.#serviceNames = serviceNames;
    this.#wantsLog = wantsLog;
    freeze(this);
  }

  get services() {
    if (this.#services === undefined) {
      const clients = {};
      const names = this.#serviceNames;
      for (let i = 0; i < names.length; i += 1) {
        defineProperty(clients, names[i], { __proto__: null, value: serviceClient(this.#runId, names[i]), enumerable: true });
      }
      this.#services = freeze(clients);
    }
    return this.#services;
  }
}
delete RunContext.prototype.constructor;
freeze(RunContext.prototype);

function invoke(runId, path, request, serviceNames, wantsLog, deadline) {
  closeBatch();
  start(runId, path, request, serviceNames, wantsLog, deadline);
}

function start(runId, path, request, serviceNames, wantsLog, deadline) {
  // A call that waited in this isolate's queue past its deadline was already answered with a
  // timeout by the host: running it now would spend a whole timeout of CPU for nobody.
  if (reflectApply(dateNow, DateCtor, []) >= deadline) return;
  let result;
  try {
    const handler = reflectApply(mapGet, handlers, [path]);
    reflectApply(mapSet, runs, [runId, { pending: undefined, calls: 0 }]);
    result = handler(request, new RunContext(runId, serviceNames, wantsLog));
  } catch (error) {
    finish(runId, THREW, describe(error));
    return;
  }
  answer(runId, result);
}

// await, not then(): it never looks up Promise.prototype.then or Promise[Symbol.species], which
// a script may have replaced, and adopts a native promise without extra turns.
async function answer(runId, result) {
  let response;
  try {
    response = await result;
  } catch (error) {
    finish(runId, THREW, describe(error));
    return;
  }
  respond(runId, response);
}

function settle(runId, callId, ok, value) {
  closeBatch();
  const run = reflectApply(mapGet, runs, [runId]);
  const resolvers = run === undefined || run.pending === undefined ? undefined : reflectApply(mapGet, run.pending, [callId]);
  if (resolvers === undefined) return;
  reflectApply(mapDelete, run.pending, [callId]);
  if (ok) resolvers[0](value);
  else resolvers[1](new ErrorCtor(value));
}

/**
 * Inline runs, one after another: each entry is [runId, path, request, serviceNames, deadline].
 * Returns, by index in the batch, the outcome digit and payload of each run that finished; a run
 * left out awaits a backend call and reports through hostDone when it finishes. The runs'
 * microtasks have run by the time the host copies the result: V8 drains the queue when the host's
 * call returns, under its timeout.
 */
function invokeMany(batch) {
  closeBatch();
  // Index -> outcome; a run not in it has not finished. No prototype, so no setter a script put on
  // Array.prototype or Object.prototype sees an outcome.
  const outcomes = { __proto__: null };
  batchOutcomes = outcomes;
  for (let i = 0; i < batch.length; i += 1) {
    const entry = batch[i];
    reflectApply(mapSet, inlineRuns, [entry[0], i]);
    start(entry[0], entry[1], entry[2], entry[3], false, entry[4]);
  }
  return outcomes;
}

/**
 * When invokeMany's call failed after its runs started (a timeout, or a failure that is not the
 * isolate's): the outcomes it would have returned, as they stood when it was stopped.
 */
function collectMany() {
  const outcomes = batchOutcomes === undefined ? { __proto__: null } : batchOutcomes;
  closeBatch();
  return outcomes;
}

// The run is over on the host's side (timed out): its pending calls will never settle, and
// whatever the script still does for it goes nowhere.
function abandon(runId) {
  closeBatch();
  reflectApply(mapDelete, runs, [runId]);
}

function register(path, namespace) {
  closeBatch();
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

return { invoke, invokeMany, collectMany, settle, abandon, register };
`;
