import ivm from 'isolated-vm';
import type { BackendCall, BackendResult } from './backend-call.type';
import type { BackendServices } from './backend-services.port';
import type { DeviceRequest } from './device-request.type';
import { INLINE_BUDGET_MS, INLINE_EARNING_SLICE_MS, type InlineGate } from './inline-gate';
import { type IsolateFailure, isolateFailureOf } from './isolate-error.util';
import { type Bridge, type InlineInvocation, type InlineOutcomes, type IsolatePool, WarmIsolate } from './warm-isolate';
import { moduleCodeCacheConsumed } from './module-code-cache.util';
import { linkModules } from './module-linking.util';
import { importProblemsOf, isScriptPath, moduleUrlOf, normalizeScriptPath, syntaxProblemOf } from './module-specifier.util';
import type { RunHooks } from './run-hooks.type';
import { BACKEND_CALLS_PER_RUN, RUN_OUTCOME } from './sandbox-bootstrap.constant';
import type { ScriptFile } from './script-file.type';
import { DEFAULT_SCRIPT_LIMITS, MAX_SCRIPT_MEMORY_MB, MIN_SCRIPT_MEMORY_MB } from './script-limits.constant';
import type { ScriptLimits } from './script-limits.type';
import type { ScriptProblem } from './script-problem.type';
import type { ScriptResponse } from './script-response.type';
import { parseScriptResponse } from './script-response.util';
import { ScriptError } from './script.error';
import { transpiledScripts } from './typescript-transpile.util';

export interface CompileOptions {
  /** The isolate's heap limit (default 128, never above MAX_SCRIPT_MEMORY_MB). */
  memoryMb?: number;
  /** Produce V8 code cache for every script compiled from source (see `codeCache`). */
  produceCachedData?: boolean;
  /** Spare warm isolates to take instead of creating one (when the heap size matches). */
  pool?: IsolatePool;
  /** Lets scripts that have earned it run inline (see InlineGate); without it they never do. */
  inline?: InlineGate;
}

export interface CodeCacheReport {
  /** Scripts compiled from cached data V8 accepted. */
  accepted: string[];
  /** Scripts whose cached data V8 refused (other source or engine); they were compiled from source. */
  rejected: string[];
  /** Fresh cached data for scripts compiled from source, by path, with the JavaScript it belongs to. */
  produced: Map<string, { javascript: string; cachedData: Buffer }>;
}

/** isolated-vm implements cached data for modules but does not declare it on compileModule. */
interface CachedDataOptions {
  cachedData?: ivm.ExternalCopy<ArrayBuffer>;
  produceCachedData?: boolean;
}

interface CachedDataResult {
  cachedData?: ivm.ExternalCopy<ArrayBuffer>;
  cachedDataRejected?: boolean;
}

/** A request being served; the isolate knows it by `id` only. */
interface ActiveRun {
  /** A new id when an inline attempt is abandoned and the run starts again in the isolate's thread. */
  id: number;
  readonly scriptPath: string;
  readonly services: BackendServices;
  readonly timeoutMs: number;
  /** performance.now() by which the run must have answered. */
  readonly deadline: number;
  readonly onLog: ((line: string) => void) | undefined;
  readonly resolve: (response: ScriptResponse) => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
  /** Waiting for its script's module to evaluate (first run of the script). */
  loading: boolean;
  /** Backend calls the host has received for this run. */
  calls: number;
}

/** A run waiting for its inline batch. */
interface InlineRun {
  readonly run: ActiveRun;
  readonly request: DeviceRequest;
}

/** A piece of script execution handed to the isolate, which runs them one after another. */
interface Slice {
  readonly timeoutMs: number;
}

/**
 * How long past its own timeout a slice may keep the isolate before the isolate counts as wedged.
 * isolated-vm stops a slice within milliseconds when V8 checks for interrupts; some V8 built-ins
 * (large allocations in a loop, string conversions of huge strings) check so rarely that the
 * slice runs on for seconds, and neither the timeout nor dispose() can cut it short.
 */
const WEDGED_GRACE_MS = 1000;
/** cpuTimeMs asks the isolate at most this often. */
const CPU_READ_EVERY_MS = 1;
/** An inline batch that returns this many budgets late was not stopped by its timeout: a wedge. */
const WEDGED_INLINE_FACTOR = 10;
/** Longest an inline batch waits for the isolate's thread to let go of the isolate. */
const INLINE_WAIT_MS = 5;
const ERROR_TEXT_CHARS = 4000;


/**
 * A repository's scripts compiled and linked in one isolate with one context, ready to serve.
 *
 * Every piece of script execution runs under a CPU timeout: the handler's first slice (invoke),
 * and each later slice, which starts when the host settles a backend call (settle), gets the time
 * left of its request. isolated-vm's own promise proxying would resume a script after an await
 * with no timeout at all, so a loop there could only be stopped by disposing the isolate. A timer
 * per request bounds the wall-clock time spent awaiting backend calls.
 */
export class CompiledRepository {
  private readonly modules = new Map<string, ivm.Module>();
  /** Scripts whose module graph has been evaluated and whose handler the bootstrap holds. */
  private readonly loads = new Map<string, Promise<void>>();
  private readonly ready = new Set<string>();
  private readonly runs = new Map<number, ActiveRun>();
  private readonly bridge: Bridge;
  private nextRunId = 0;
  private isDisposed = false;
  /** Slices the isolate has been handed and has not finished, oldest (running) first. */
  private readonly slices: Slice[] = [];
  /** When the oldest outstanding slice started, at the earliest the host can know. */
  private oldestSliceStartedAt = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private lastCpuTimeMs = 0;
  private cpuReadAt = Number.NEGATIVE_INFINITY;
  private readonly cacheReport: CodeCacheReport = { accepted: [], rejected: [], produced: new Map() };
  /** Per script: runs in a row whose first slice took under INLINE_EARNING_SLICE_MS. */
  private readonly cleanRuns = new Map<string, number>();
  /** Scripts that have earned inline runs, and scripts that hit a limit and never will. */
  private readonly inlineScripts = new Set<string>();
  private readonly inlineBarred = new Set<string>();
  /** Runs waiting for the next inline batch (flushed once per turn of the event loop). */
  private inlineQueue: InlineRun[] = [];
  private inlineFlushScheduled = false;
  /** Set while a batch waits for the isolate's own slices to end (see flushInline). */
  private inlineWaitTimer: NodeJS.Timeout | undefined;

  private readonly isolate: ivm.Isolate;
  private readonly context: ivm.Context;

  private constructor(
    private readonly sandbox: WarmIsolate,
    private readonly inline: InlineGate | undefined,
  ) {
    this.isolate = sandbox.isolate;
    this.context = sandbox.context;
    this.bridge = sandbox.bridge;
    sandbox.bind({
      onCall: (runId, callId, call) => this.onCall(runId, callId, call),
      onLog: (runId, line) => this.onLog(runId, line),
      onDone: (runId, outcome, payload) => this.onDone(runId, outcome, payload),
    });
  }

  /**
   * Compiles and links every script of `files` as an ES module (relative imports resolve within
   * `files`). Modules are evaluated lazily, on the first run of a script that needs them, so one
   * broken script does not take its repository's other endpoints down.
   *
   * A file's `cachedData` (V8 code cache the platform produced earlier) spares V8 the parse; V8
   * checks it and refuses data made for other source or another engine, and the script is then
   * compiled from source. With `produceCachedData`, every script compiled from source yields fresh
   * cached data (`codeCache.produced`) for the caller to persist.
   */
  static async compile(files: ScriptFile[], options: CompileOptions = {}): Promise<CompiledRepository> {
    files = transpiledScripts(files); // TypeScript scripts as JavaScript; a syntax error is 'script-invalid'
    const memoryMb = Math.min(MAX_SCRIPT_MEMORY_MB, Math.max(MIN_SCRIPT_MEMORY_MB, options.memoryMb ?? DEFAULT_SCRIPT_LIMITS.memoryMb));
    const sandbox = await (options.pool?.take(memoryMb) ?? WarmIsolate.create(memoryMb));
    try {
      const repository = new CompiledRepository(sandbox, options.inline);
      await repository.link(files, options.produceCachedData === true);
      return repository;
    } catch (error) {
      sandbox.dispose();
      if (isolateFailureOf(error) === 'memory') {
        throw new ScriptError('script-memory', `the repository does not fit in ${memoryMb} MB`);
      }
      throw error;
    }
  }

  /** What the code cache did for this compilation. */
  get codeCache(): CodeCacheReport {
    return this.cacheReport;
  }

  get disposed(): boolean {
    return this.isDisposed || this.isolate.isDisposed;
  }

  /**
   * CPU time this repository's scripts have used so far, in milliseconds (the isolate's own
   * counter: what its thread spent running script code, not time spent waiting). Stays at its last
   * value once the isolate is disposed. Read from the isolate at most once per CPU_READ_EVERY_MS:
   * the gateway reads it twice per request, and the runs of a batch all end in the same
   * millisecond; what a reading misses, the next one includes.
   */
  get cpuTimeMs(): number {
    const now = performance.now();
    if (now - this.cpuReadAt >= CPU_READ_EVERY_MS && !this.isolate.isDisposed) {
      this.cpuReadAt = now;
      this.lastCpuTimeMs = Number(this.isolate.cpuTime) / 1e6;
    }
    return this.lastCpuTimeMs;
  }

  /**
   * Calls the default export of `scriptPath` with a copy of `request` and a `ctx` that reaches
   * `services`. Rejects with a ScriptError when the script fails its request. `limits.memoryMb` is
   * not enforced per call: memory is the isolate's, fixed by `compile`.
   */
  run(
    scriptPath: string,
    request: DeviceRequest,
    services: BackendServices,
    limits: ScriptLimits = DEFAULT_SCRIPT_LIMITS,
    hooks: RunHooks = {},
  ): Promise<ScriptResponse> {
    if (this.disposed) {
      return Promise.reject(new ScriptError('script-disposed', 'this compiled repository is disposed; compile it again', { scriptPath }));
    }
    const path = this.scriptPathOf(scriptPath);
    if (path === undefined) {
      return Promise.reject(new ScriptError('script-not-found', `no script ${scriptPath} in this repository`, { scriptPath }));
    }
    const { timeoutMs } = limits;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      return Promise.reject(new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`));
    }
    return new Promise<ScriptResponse>((resolve, reject) => {
      const run: ActiveRun = {
        id: ++this.nextRunId,
        scriptPath: path,
        services,
        timeoutMs,
        deadline: performance.now() + timeoutMs,
        onLog: hooks.onLog,
        resolve,
        reject,
        loading: !this.ready.has(path),
        calls: 0,
      };
      this.runs.set(run.id, run);
      if (!run.loading && hooks.onLog === undefined && this.mayRunInline(path)) {
        this.queueInline(run, request);
        return;
      }
      this.armDeadline(run);
      if (!run.loading) {
        this.invoke(run, request);
      } else {
        this.load(path, timeoutMs).then(
          () => {
            run.loading = false;
            this.invoke(run, request);
          },
          (error: unknown) => this.fail(run, error),
        );
      }
    });
  }

  /**
   * Evaluates a script's module graph now instead of on its first run (which then starts with the
   * handler). Rejects as that first run would: 'script-threw', 'script-timeout', 'script-not-found'.
   */
  async prepare(scriptPath: string, timeoutMs: number = DEFAULT_SCRIPT_LIMITS.timeoutMs): Promise<void> {
    const path = this.scriptPathOf(scriptPath);
    if (path === undefined) throw new ScriptError('script-not-found', `no script ${scriptPath} in this repository`, { scriptPath });
    let timer: NodeJS.Timeout | undefined;
    // A load that V8 cannot interrupt never settles: give up on it as a run's timer would.
    const wedged = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.isDisposed = true;
        reject(new ScriptError('script-timeout', `${path} did not finish loading within ${timeoutMs} ms`, { scriptPath: path }));
      }, timeoutMs + WEDGED_GRACE_MS);
    });
    try {
      await Promise.race([this.load(path, timeoutMs), wedged]);
    } catch (error) {
      if (this.isDisposed) this.collapse(undefined); // a module cut short while loading: the isolate is done for
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The compiled module's path for a script path as callers write it, if there is such a script. */
  private scriptPathOf(scriptPath: string): string | undefined {
    const path = this.modules.has(scriptPath) ? scriptPath : normalizeScriptPath(scriptPath);
    return this.modules.has(path) ? path : undefined;
  }

  /** Ends every active run (they reject with 'script-disposed') and frees the isolate. */
  dispose(): void {
    this.collapse(undefined);
  }

  private async link(files: ScriptFile[], produceCachedData: boolean): Promise<void> {
    const scripts = files.filter((file) => isScriptPath(file.path)).map((file) => ({ ...file, path: normalizeScriptPath(file.path) }));
    const scriptPaths = new Set(scripts.map((file) => file.path));
    const problems: ScriptProblem[] = [];
    const compiled = await Promise.allSettled(scripts.map((file) => this.compileScript(file, produceCachedData)));
    compiled.forEach((outcome, index) => {
      const file = scripts[index]!;
      if (outcome.status === 'fulfilled') {
        this.modules.set(file.path, outcome.value);
        return;
      }
      if (isolateFailureOf(outcome.reason) !== undefined) throw outcome.reason;
      problems.push(syntaxProblemOf(file.path, outcome.reason));
    });
    for (const file of scripts) {
      const module = this.modules.get(file.path);
      if (module !== undefined) problems.push(...importProblemsOf(file, module.dependencySpecifiers, scriptPaths));
    }
    if (problems.length > 0) {
      const summary = problems.map((p) => `${p.path}${p.line === undefined ? '' : `:${p.line}:${p.column ?? 1}`} ${p.message}`).join('; ');
      throw new ScriptError('script-invalid', `the repository does not compile: ${summary}`, { problems });
    }
    const linkProblem = linkModules(this.context, this.modules, scripts);
    if (linkProblem !== undefined) {
      throw new ScriptError('script-invalid', `the repository does not link: ${linkProblem.path} ${linkProblem.message}`, { problems: [linkProblem] });
    }
  }

  /** Compiles one module, from its cached data when V8 accepts it, and records what the cache did. */
  private async compileScript(file: ScriptFile, produceCachedData: boolean): Promise<ivm.Module> {
    const cachedData = file.cachedData === undefined || !moduleCodeCacheConsumed() ? undefined : new ivm.ExternalCopy(arrayBufferOf(file.cachedData));
    try {
      const options: CachedDataOptions = cachedData !== undefined ? { cachedData } : { produceCachedData };
      const module = (await this.isolate.compileModule(file.source, { filename: moduleUrlOf(file.path), ...options })) as ivm.Module & CachedDataResult;
      if (cachedData !== undefined && module.cachedDataRejected !== true) {
        this.cacheReport.accepted.push(file.path);
        return module;
      }
      if (cachedData !== undefined) this.cacheReport.rejected.push(file.path);
      if (!produceCachedData) return module;
      // Refused data: compile again to produce fresh data (V8 produces none when it was given some).
      const produced = cachedData === undefined ? module : ((await this.isolate.compileModule(file.source, { filename: moduleUrlOf(file.path), produceCachedData: true })) as ivm.Module & CachedDataResult);
      if (produced.cachedData !== undefined) {
        this.cacheReport.produced.set(file.path, { javascript: file.source, cachedData: Buffer.from(produced.cachedData.copy()) });
        produced.cachedData.release();
      }
      if (produced !== module) produced.release();
      return module;
    } finally {
      cachedData?.release();
    }
  }

  /** Evaluates a script's module graph once and hands its default export to the bootstrap. */
  private load(path: string, timeoutMs: number): Promise<void> {
    let loading = this.loads.get(path);
    if (loading === undefined) {
      loading = this.evaluate(path, timeoutMs);
      this.loads.set(path, loading);
    }
    return loading;
  }

  private async evaluate(path: string, timeoutMs: number): Promise<void> {
    const module = this.modules.get(path);
    if (module === undefined) throw new ScriptError('script-not-found', `no script ${path} in this repository`, { scriptPath: path });
    try {
      await this.slice(timeoutMs, () => module.evaluate({ timeout: timeoutMs }));
    } catch (error) {
      if (isolateFailureOf(error) === 'timeout') {
        // A module whose evaluation was cut short stays failed in this isolate: refuse new runs,
        // and let fail() tear the isolate down once this run has its timeout error.
        this.isDisposed = true;
        throw new ScriptError('script-timeout', `${path} did not finish loading within ${timeoutMs} ms`, { scriptPath: path });
      }
      if (isolateFailureOf(error) !== undefined) throw error;
      const message = cutText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      const scriptStack = error instanceof Error && typeof error.stack === 'string' ? cutText(error.stack) : undefined;
      throw new ScriptError('script-threw', `${path} threw while loading: ${message}`, { scriptPath: path, scriptStack });
    }
    const problem = await this.slice(timeoutMs, () =>
      this.bridge.register.apply(undefined, [path, module.namespace.derefInto()], { timeout: timeoutMs }),
    ).catch((error: unknown) => {
      throw bridgeFailure(path, error);
    });
    if (typeof problem === 'string' && problem !== '') {
      throw new ScriptError('script-not-found', `${path} cannot serve requests: ${problem}`, { scriptPath: path });
    }
    this.ready.add(path);
  }

  private invoke(run: ActiveRun, request: DeviceRequest): void {
    const remaining = Math.ceil(run.deadline - performance.now());
    if (remaining <= 0 || !this.runs.has(run.id)) return; // the timer has fired or is about to
    const handedOver = performance.now();
    try {
      this.slice(remaining, () =>
        this.bridge.invoke.apply(undefined, [run.id, run.scriptPath, request, run.services.names(), run.onLog !== undefined, Date.now() + remaining], {
          arguments: { copy: true },
          timeout: remaining,
        }),
      ).then(
        () => this.recordCleanRun(run.scriptPath, performance.now() - handedOver),
        (error: unknown) => this.fail(run, bridgeFailure(run.scriptPath, error)),
      );
    } catch (error) {
      this.fail(run, error); // e.g. a request body that cannot be copied
    }
  }

  // --- inline runs: first slices on the host's thread, in batches (see InlineGate) ---

  private mayRunInline(path: string): boolean {
    if (this.inline?.open !== true || this.inlineBarred.has(path)) return false;
    return this.inline.afterCleanRuns === 0 || this.inlineScripts.has(path);
  }

  /** A first slice (queueing in the isolate's thread included) was short enough to earn inline runs, or was not. */
  private recordCleanRun(path: string, sliceMs: number): void {
    if (this.inline?.open !== true || this.inlineBarred.has(path) || this.inlineScripts.has(path)) return;
    const clean = sliceMs < INLINE_EARNING_SLICE_MS ? (this.cleanRuns.get(path) ?? 0) + 1 : 0;
    this.cleanRuns.set(path, clean);
    if (clean >= this.inline.afterCleanRuns) this.inlineScripts.add(path);
  }

  /** A script exhausted its heap: it never runs inline in this version. */
  private barInline(path: string): void {
    this.inlineBarred.add(path);
    this.forgetCleanRuns(path);
  }

  /** A script overran a time budget: it must earn inline runs again. */
  private forgetCleanRuns(path: string): void {
    this.inlineScripts.delete(path);
    this.cleanRuns.delete(path);
  }

  /**
   * Queues a run for the next inline batch: the runs that arrive in one turn of the event loop go
   * into the isolate together, in one call (crossing into an isolate costs far more than a
   * trivial handler does).
   */
  private queueInline(run: ActiveRun, request: DeviceRequest): void {
    this.inlineQueue.push({ run, request });
    this.scheduleInlineFlush();
  }

  private scheduleInlineFlush(): void {
    if (this.inlineFlushScheduled) return;
    this.inlineFlushScheduled = true;
    setImmediate(() => {
      this.inlineFlushScheduled = false;
      this.flushInline();
    });
  }

  /**
   * Runs a batch's first slices on this thread under INLINE_BUDGET_MS in all, in one call that
   * returns their outcomes: a handler that needs no backend call has answered by then (microtasks
   * run before applySync returns); one that awaits a backend call goes on like any run, in the
   * isolate's thread.
   */
  private flushInline(): void {
    const batch = this.takeInlineQueue();
    if (batch.length === 0 || this.disposed) return;
    if (this.inline?.open !== true) {
      for (const { run, request } of batch) this.runInIsolateThread(run, request);
      return;
    }
    if (this.slices.length > 0) {
      // A slice holds the isolate in its own thread, and applySync would wait for it. The batch
      // waits instead, briefly (sliceEnded flushes it): slices are short, and sending it to the
      // isolate's thread would keep the isolate busy and every later batch out of inline runs.
      // Past INLINE_WAIT_MS (slices that keep overlapping: backend results arriving under load) it
      // goes to the isolate's thread after all, rather than wait for a gap that may not come.
      for (const { run } of batch) this.armDeadline(run);
      this.inlineQueue = batch;
      this.inlineWaitTimer ??= setTimeout(() => {
        this.inlineWaitTimer = undefined;
        for (const { run, request } of this.takeInlineQueue()) this.runInIsolateThread(run, request);
      }, INLINE_WAIT_MS);
      return;
    }
    clearTimeout(this.inlineWaitTimer);
    this.inlineWaitTimer = undefined;
    const cpuBefore = this.isolate.cpuTime;
    const now = performance.now();
    const epoch = Date.now();
    let remaining = Number.POSITIVE_INFINITY;
    for (const { run } of batch) remaining = Math.min(remaining, Math.ceil(run.deadline - now));
    const budget = Math.max(1, Math.min(INLINE_BUDGET_MS, remaining));
    let invocations: ivm.ExternalCopy<InlineInvocation[]>;
    try {
      invocations = new ivm.ExternalCopy(batch.map(({ run, request }): InlineInvocation => [run.id, run.scriptPath, request, run.services.names(), epoch + (run.deadline - now)]));
    } catch {
      // A request that cannot be copied into the isolate (nothing ran): each run on its own, in
      // the isolate's thread, where such a request fails alone.
      for (const { run, request } of batch) this.runInIsolateThread(run, request);
      return;
    }
    this.inline.inlineRuns += batch.length;
    this.inline.inlineBatches += 1;
    let outcomes: InlineOutcomes;
    try {
      // One crossing: the runs' microtasks have run when the outcomes are copied out.
      outcomes = this.bridge.invokeMany.applySync(undefined, [invocations.copyInto({ release: true })], { timeout: budget, result: { copy: true } });
    } catch (error) {
      const failure = isolateFailureOf(error);
      if (failure !== undefined) {
        this.inlineBatchFailed(batch, failure, Number(this.isolate.cpuTime - cpuBefore) / 1e6, performance.now() - now, budget);
        return;
      }
      // The call failed for a reason that is not the isolate's after the runs started (upstream
      // isolated-vm did so for a promise a script left rejected; 5.0.4-dsp.3 no longer does): the
      // outcomes the runs reached stand.
      try {
        // No script code runs here: the microtask queue was drained above.
        outcomes = this.collectInline();
      } catch {
        this.collapse(undefined); // the isolate failed between two calls: nothing else to trust
        return;
      }
    }
    batch.forEach(({ run }, index) => this.inlineAnswered(run, outcomes[index] ?? ''));
  }

  /** Empties the inline queue, keeping the runs still active (not timed out or ended by a collapse). */
  private takeInlineQueue(): InlineRun[] {
    const queued = this.inlineQueue.filter(({ run }) => this.runs.get(run.id) === run);
    this.inlineQueue = [];
    return queued;
  }

  /** The last batch's outcomes as they stood when its call failed. */
  private collectInline(): InlineOutcomes {
    return this.bridge.collectMany.applySync(undefined, [], { result: { copy: true } });
  }

  /** An inline run's outcome ('' while it awaits a backend call: it goes on in the isolate's thread). */
  private inlineAnswered(run: ActiveRun, outcome: string): void {
    if (outcome === '') {
      this.armDeadline(run);
      return;
    }
    this.onDone(run.id, outcome.charCodeAt(0) - 48, outcome.slice(1));
  }

  private inlineBatchFailed(batch: InlineRun[], failure: IsolateFailure, cpuMs: number, wallMs: number, budgetMs: number): void {
    const paths = [...new Set(batch.map(({ run }) => run.scriptPath))];
    const reason = `${failure} while running inline (${paths.join(', ')})`;
    if (failure === 'timeout' && wallMs > WEDGED_INLINE_FACTOR * budgetMs) {
      // V8 did not stop at the budget (a built-in that does not check for interrupts): the event
      // loop was held that long. Never again for this repository on this process.
      this.inline?.strike(`a batch held the event loop ${Math.round(wallMs)} ms on an inline budget of ${budgetMs} ms (${paths.join(', ')})`);
    }
    if (failure !== 'timeout') {
      this.inline?.strike(reason);
      for (const path of paths) this.barInline(path);
      // A batch of one knows its culprit; otherwise every run gets the retriable 'script-disposed'.
      this.collapse(failure === 'memory' && batch.length === 1 ? batch[0]!.run : undefined);
      return;
    }
    // The batch overran the inline budget. With little CPU used, this thread was not running
    // (preempted on a busy machine): nobody's doing. Otherwise it counts against the repository
    // and its scripts must earn inline runs again. Runs that answered before it was stopped keep
    // their answers; the others run again in the isolate's thread, under what is left of their own
    // budgets. Their first attempts' backend calls reach the host under the old ids and are ignored.
    if (cpuMs >= budgetMs / 2) {
      this.inline?.overran(`${reason}: ${cpuMs.toFixed(1)} ms of CPU in ${wallMs.toFixed(1)} ms`);
      for (const path of paths) this.forgetCleanRuns(path);
    }
    let outcomes: InlineOutcomes = {};
    try {
      outcomes = this.collectInline();
    } catch {
      // The isolate is gone: the runs below fail with 'script-disposed'.
    }
    const unanswered: InlineRun[] = [];
    batch.forEach(({ run, request }, index) => {
      const outcome = outcomes[index] ?? '';
      if (outcome !== '') this.inlineAnswered(run, outcome);
      else unanswered.push({ run, request });
    });
    // Dropped in the isolate while nothing else holds it (applySync would wait for a slice).
    for (const { run } of unanswered) {
      try {
        this.bridge.abandon.applySync(undefined, [run.id]);
      } catch {
        // As above.
      }
    }
    for (const { run, request } of unanswered) {
      if (run.deadline <= performance.now()) {
        this.timeOut(run);
        continue;
      }
      this.runs.delete(run.id);
      run.id = ++this.nextRunId;
      this.runs.set(run.id, run);
      this.runInIsolateThread(run, request);
    }
  }

  private runInIsolateThread(run: ActiveRun, request: DeviceRequest): void {
    this.armDeadline(run);
    this.invoke(run, request);
  }

  /** Starts the run's deadline timer, unless it runs already (inline runs start without one). */
  private armDeadline(run: ActiveRun): void {
    run.timer ??= setTimeout(() => this.timeOut(run), Math.max(1, Math.ceil(run.deadline - performance.now())));
  }

  // --- host side of the bridge: the bootstrap calls these through applyIgnored ---

  private onCall(runId: number, callId: number, call: BackendCall): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    run.calls += 1;
    if (run.calls > BACKEND_CALLS_PER_RUN) {
      // The bootstrap refuses these already; the host's count is the one a script cannot touch.
      this.settle(run, callId, false, `this request has made ${BACKEND_CALLS_PER_RUN} backend calls, the most one request may make`);
      return;
    }
    let result: Promise<BackendResult>;
    try {
      result = run.services.call(call);
    } catch (error) {
      result = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    result.then(
      ({ status, body }) => this.settle(run, callId, true, { status, body }),
      (error: unknown) => this.settle(run, callId, false, error instanceof Error ? error.message : String(error)),
    );
  }

  private onLog(runId: number, line: string): void {
    try {
      this.runs.get(runId)?.onLog?.(line);
    } catch {
      // A failing log sink must not fail the script.
    }
  }

  private onDone(runId: number, outcome: number, payload: string): void {
    const run = this.runs.get(runId);
    if (run === undefined) return;
    const scriptPath = run.scriptPath;
    switch (outcome) {
      case RUN_OUTCOME.ok: {
        let response: ScriptResponse;
        try {
          response = parseScriptResponse(payload, scriptPath);
        } catch (error) {
          this.finish(run, error instanceof Error ? error : new Error(String(error)));
          return;
        }
        this.finish(run, response);
        return;
      }
      case RUN_OUTCOME.threw:
        this.finish(run, new ScriptError('script-threw', `${scriptPath} threw ${firstLineOf(payload)}`, { scriptPath, scriptStack: payload }));
        return;
      default:
        this.finish(run, new ScriptError('script-bad-response', `${scriptPath} answered with a bad response: ${payload}`, { scriptPath }));
    }
  }

  /** Hands a backend result (or failure) to the waiting script, under the run's remaining budget. */
  private settle(run: ActiveRun, callId: number, ok: boolean, value: BackendResult | string): void {
    const remaining = Math.ceil(run.deadline - performance.now());
    if (remaining <= 0 || !this.runs.has(run.id) || this.disposed) return;
    const failed = (error: unknown): void => {
      if (ok && isolateFailureOf(error) === undefined) {
        // The result could not be copied into the isolate (not structured-cloneable).
        this.settle(run, callId, false, `the result of the backend call cannot be passed to the script: ${String(error)}`);
      } else {
        this.fail(run, bridgeFailure(run.scriptPath, error));
      }
    };
    try {
      this.slice(remaining, () => this.bridge.settle.apply(undefined, [run.id, callId, ok, value], { arguments: { copy: true }, timeout: remaining })).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  private timeOut(run: ActiveRun): void {
    this.abort(run, new ScriptError('script-timeout', `${run.scriptPath} did not answer within ${run.timeoutMs} ms`, { scriptPath: run.scriptPath }));
    // A module that did not finish evaluating is stuck or failed for good in this isolate.
    if (run.loading) this.collapse(undefined);
  }

  /** A slice of script execution ended abnormally, or loading failed. */
  private fail(run: ActiveRun, error: unknown): void {
    switch (isolateFailureOf(error)) {
      case 'timeout':
        this.forgetCleanRuns(run.scriptPath);
        this.timeOut(run);
        return;
      case 'memory':
        this.barInline(run.scriptPath);
        this.collapse(run);
        return;
      case 'disposed':
        this.collapse(undefined);
        return;
      case undefined:
        if (error instanceof ScriptError) {
          // Load failures are cached per script: give each run an error of its own.
          this.abort(run, new ScriptError(error.code, error.message, error.details));
        } else {
          this.abort(run, error instanceof Error ? error : new Error(String(error)));
        }
        if (this.isDisposed) this.collapse(undefined);
    }
  }

  private finish(run: ActiveRun, outcome: ScriptResponse | Error): boolean {
    if (!this.runs.delete(run.id)) return false;
    clearTimeout(run.timer);
    if (outcome instanceof Error) run.reject(outcome);
    else run.resolve(outcome);
    return true;
  }

  /** Ends a run the isolate may still consider active, and tells the bootstrap to drop it. */
  private abort(run: ActiveRun, error: Error): void {
    if (!this.finish(run, error) || this.disposed) return;
    try {
      this.bridge.abandon.applyIgnored(undefined, [run.id]);
    } catch {
      // The isolate went away meanwhile: nothing left to drop.
    }
  }

  /**
   * The isolate is gone or unusable: mark this repository disposed and end every active run. The
   * run that was executing when the heap limit was hit gets 'script-memory'; the others were
   * bystanders and get the retriable 'script-disposed'.
   */
  private collapse(memoryCulprit: ActiveRun | undefined): void {
    this.isDisposed = true;
    clearTimeout(this.watchdog);
    clearTimeout(this.inlineWaitTimer);
    this.inlineQueue = [];
    for (const run of [...this.runs.values()]) {
      this.finish(
        run,
        run === memoryCulprit
          ? new ScriptError('script-memory', `${run.scriptPath} exceeded the memory limit of its isolate`, { scriptPath: run.scriptPath })
          : new ScriptError('script-disposed', `the isolate of ${run.scriptPath} was disposed while it ran; compile the repository again`, {
              scriptPath: run.scriptPath,
            }),
      );
    }
    this.sandbox.dispose();
  }

  // --- the watchdog: an isolate that overruns every timeout it was given is given up ---

  /** Hands the isolate a slice of script execution that must end within timeoutMs once it starts. */
  private slice<T>(timeoutMs: number, execute: () => Promise<T>): Promise<T> {
    const slice: Slice = { timeoutMs };
    this.slices.push(slice);
    if (this.slices.length === 1) {
      this.oldestSliceStartedAt = performance.now();
      this.armWatchdog();
    }
    let running: Promise<T>;
    try {
      running = execute();
    } catch (error) {
      this.sliceEnded(slice);
      throw error;
    }
    const ended = (): void => this.sliceEnded(slice);
    void running.then(ended, ended);
    return running;
  }

  private sliceEnded(slice: Slice): void {
    const index = this.slices.indexOf(slice);
    if (index < 0) return;
    this.slices.splice(index, 1);
    if (this.slices.length === 0 && this.inlineQueue.length > 0) this.scheduleInlineFlush();
    if (index === 0) {
      this.oldestSliceStartedAt = performance.now();
      this.armWatchdog();
    }
  }

  private armWatchdog(): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    const oldest = this.slices[0];
    if (oldest === undefined || this.disposed) return;
    const due = this.oldestSliceStartedAt + oldest.timeoutMs + WEDGED_GRACE_MS;
    // setImmediate: completions isolated-vm has already posted are seen before the verdict.
    this.watchdog = setTimeout(() => setImmediate(() => this.checkWedged()), Math.max(0, due - performance.now()));
    this.watchdog.unref();
  }

  /**
   * The oldest slice has run past its timeout and the grace: the isolate is wedged in V8 code that
   * does not check for interrupts. Requests already got their timeout errors; give the isolate up
   * so that the next request finds this repository disposed and a fresh compilation serves it,
   * instead of queueing behind the wedged slice.
   */
  private checkWedged(): void {
    const oldest = this.slices[0];
    if (oldest === undefined || this.disposed) return;
    if (performance.now() < this.oldestSliceStartedAt + oldest.timeoutMs + WEDGED_GRACE_MS) {
      this.armWatchdog();
      return;
    }
    this.collapse(undefined);
  }
}

/** The bridge itself failed for a reason that is neither the isolate's (timeout, memory) nor a ScriptError. */
function bridgeFailure(scriptPath: string, error: unknown): unknown {
  if (error instanceof ScriptError || isolateFailureOf(error) !== undefined) return error;
  const message = cutText(error instanceof Error ? error.message : String(error));
  return new ScriptError('script-threw', `${scriptPath} broke the sandbox bridge: ${message}`, { scriptPath });
}

function cutText(text: string): string {
  return text.length > ERROR_TEXT_CHARS ? `${text.slice(0, ERROR_TEXT_CHARS)}…` : text;
}

function firstLineOf(text: string): string {
  const end = text.indexOf('\n');
  return end < 0 ? text : text.slice(0, end);
}

/** The bytes of a Buffer as an ArrayBuffer of their own (a Buffer may be a view into a larger pool). */
function arrayBufferOf(buffer: Buffer): ArrayBuffer {
  return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;
}
