import ivm from 'isolated-vm';
import type { BackendCall, BackendResult } from './backend-call.type';
import type { DeviceRequest } from './device-request.type';
import { MAP_ENTRIES_PER_MB, SANDBOX_BOOTSTRAP } from './sandbox-bootstrap.constant';

/** One run of an inline batch, as invokeMany takes it: [runId, path, request, serviceNames, deadline]. */
export type InlineInvocation = [number, string, DeviceRequest, string[], number];
/** Outcomes of an inline batch by index; a run that has not finished has none. */
export type InlineOutcomes = Partial<Record<number, string>>;

/** The bootstrap's functions, as the host calls them. */
export interface Bridge {
  invoke: ivm.Reference<(runId: number, path: string, request: DeviceRequest, serviceNames: string[], wantsLog: boolean, deadline: number) => void>;
  /** Runs a batch's first slices, one after another; by index in the batch, the outcome digit and payload of each run that finished. */
  invokeMany: ivm.Reference<(batch: InlineInvocation[]) => InlineOutcomes>;
  /** After invokeMany failed: its outcomes as they stood then. */
  collectMany: ivm.Reference<() => InlineOutcomes>;
  settle: ivm.Reference<(runId: number, callId: number, ok: boolean, value: BackendResult | string) => void>;
  abandon: ivm.Reference<(runId: number) => void>;
  register: ivm.Reference<(path: string, namespace: unknown) => string>;
}

/** What the bootstrap calls on the host: the compiled repository that owns the isolate. */
export interface BridgeHost {
  onCall(runId: number, callId: number, call: BackendCall): void;
  onLog(runId: number, line: string): void;
  onDone(runId: number, outcome: number, payload: string): void;
}

/**
 * A blank isolate with its context and the sandbox bootstrap evaluated: everything a repository
 * needs before its own scripts are compiled (creating these is most of what compiling a small
 * repository costs). No script has ever run in it; it serves one repository version, then goes.
 */
export class WarmIsolate {
  readonly hostReferences: ivm.Reference[];
  readonly bridge: Bridge;
  private host: BridgeHost | undefined;

  private constructor(
    readonly isolate: ivm.Isolate,
    readonly context: ivm.Context,
    readonly memoryMb: number,
  ) {
    // The host functions reach whichever repository takes this isolate (none until then).
    this.hostReferences = [
      new ivm.Reference((runId: number, callId: number, call: BackendCall) => this.host?.onCall(runId, callId, call)),
      new ivm.Reference((runId: number, line: string) => this.host?.onLog(runId, line)),
      new ivm.Reference((runId: number, outcome: number, payload: string) => this.host?.onDone(runId, outcome, payload)),
    ];
    const bootstrap = context.evalClosureSync(SANDBOX_BOOTSTRAP, [...this.hostReferences, memoryMb * MAP_ENTRIES_PER_MB], { result: { reference: true } });
    this.bridge = {
      invoke: bootstrap.getSync('invoke', { reference: true }),
      invokeMany: bootstrap.getSync('invokeMany', { reference: true }),
      collectMany: bootstrap.getSync('collectMany', { reference: true }),
      settle: bootstrap.getSync('settle', { reference: true }),
      abandon: bootstrap.getSync('abandon', { reference: true }),
      register: bootstrap.getSync('register', { reference: true }),
    };
    bootstrap.release();
  }

  static async create(memoryMb: number): Promise<WarmIsolate> {
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    try {
      return new WarmIsolate(isolate, await isolate.createContext(), memoryMb);
    } catch (error) {
      if (!isolate.isDisposed) isolate.dispose();
      throw error;
    }
  }

  /** Hands the isolate to its repository; an isolate is taken once. */
  bind(host: BridgeHost): void {
    if (this.host !== undefined) throw new Error('this isolate already serves a repository');
    this.host = host;
  }

  dispose(): void {
    if (this.isolate.isDisposed) return;
    for (const reference of this.hostReferences) reference.release();
    this.isolate.dispose();
  }
}

/**
 * Spare warm isolates of one heap size, so that installing a new repository version (a commit
 * reaching the API nodes, or a repository recompiled after its isolate hit its memory limit) only
 * compiles its scripts. Spares are never reused: each is handed out once, and replaced in the
 * background.
 */
export class IsolatePool {
  private readonly spares: Promise<WarmIsolate | null>[] = [];
  private closed = false;

  constructor(
    readonly size: number,
    readonly memoryMb: number,
  ) {
    for (let i = 0; i < size; i++) this.refill();
  }

  /** A warm isolate of `memoryMb`: a spare when one is ready and the size matches, else a fresh one. */
  async take(memoryMb: number): Promise<WarmIsolate> {
    if (memoryMb === this.memoryMb && !this.closed) {
      const spare = await this.spares.shift();
      this.refill();
      if (spare && !spare.isolate.isDisposed) return spare;
    }
    return WarmIsolate.create(memoryMb);
  }

  /** Disposes the spares; later takes create fresh isolates. */
  async close(): Promise<void> {
    this.closed = true;
    const spares = await Promise.all(this.spares.splice(0));
    for (const spare of spares) spare?.dispose();
  }

  private refill(): void {
    if (this.closed || this.spares.length >= this.size) return;
    // Created after the current turn, so a take's caller is not kept waiting for its replacement.
    this.spares.push(new Promise((resolve) => setImmediate(resolve)).then(() => (this.closed ? null : WarmIsolate.create(this.memoryMb))).catch(() => null));
  }
}
