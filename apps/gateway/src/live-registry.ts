/**
 * The gateway's in-memory view of the endpoint registry: compiled repositories and a radix-tree
 * router over their endpoints. An entry is only ever replaced by one with a higher revision, so
 * a gateway never goes back to an older version once it has served a newer one.
 */
import FindMyWay, { type HTTPVersion, type Instance } from 'find-my-way';
import type { EndpointDeclarationV1, RegistryChangedV1 } from '@dsp/contracts';
import { CompiledRepository, DEFAULT_SCRIPT_LIMITS, engineFingerprint, InlineGate, IsolatePool, type ScriptFile } from '@dsp/runtime';
import { artifactDigest, type RegistryEntry, type RegistryReadModel, type ScriptArtifact, type ScriptArtifacts, type VcsReadModel } from '@dsp/store';

export interface LiveRepository {
  entry: RegistryEntry;
  compiled: CompiledRepository;
}

export interface RouteMatch {
  repository: LiveRepository;
  endpoint: EndpointDeclarationV1;
  params: Record<string, string>;
}

/** Spare warm isolates a node keeps: enough for a burst of commits, a few MB each. */
const SPARE_ISOLATES = 2;

/** What compiling has cost this node so far (exported as metrics). */
export interface CompileStats {
  compilations: number;
  compileSeconds: number;
  /** Scripts compiled from persisted code cache V8 accepted. */
  cacheAccepted: number;
  /** Scripts whose persisted code cache V8 refused (compiled from source; replaced). */
  cacheRejected: number;
  /** Scripts with no persisted code cache for this engine (compiled from source; stored). */
  cacheMissing: number;
}

export interface InlineReport {
  /** Runs whose first slice ran inline, and the batches they entered their isolates in. */
  runs: number;
  batches: number;
  /** Batches stopped at the inline budget. */
  overruns: number;
  /** Repositories that no longer run inline on this process, and why. */
  struck: Record<string, string>;
}

export interface LoadReport {
  entries: number;
  endpoints: number;
  listMs: number;
  fetchMs: number;
  compileMs: number;
}

interface RouteStore {
  repository: string;
  endpoint: EndpointDeclarationV1;
}

export class LiveRegistry {
  private readonly repositories = new Map<string, LiveRepository>();
  private readonly installing = new Map<string, Promise<void>>();
  private router: Instance<HTTPVersion.V1> = FindMyWay();
  private readonly blobCache = new Map<string, string>();
  /** The last load that installed something: how long listing, fetching code and compiling took. */
  lastLoad: LoadReport | null = null;
  private routerDeferred = false;
  /** Warm isolates ready for the next version to install (a commit reaching this node). */
  private readonly pool = new IsolatePool(SPARE_ISOLATES, DEFAULT_SCRIPT_LIMITS.memoryMb);
  readonly stats: CompileStats = { compilations: 0, compileSeconds: 0, cacheAccepted: 0, cacheRejected: 0, cacheMissing: 0 };
  /** Per repository, for the life of the process: a strike outlives the version that earned it. */
  private readonly inlineGates = new Map<string, InlineGate>();

  constructor(
    private readonly registry: RegistryReadModel,
    private readonly vcs: VcsReadModel,
    private readonly onWarning: (message: string) => void = () => undefined,
    /** Persisted code cache: loaded instead of compiling, and fed with what this node compiles. */
    private readonly artifacts?: ScriptArtifacts,
    /** Whether scripts that earned it run inline on the event loop's thread (see InlineGate). */
    private readonly runInline = true,
  ) {}

  /** Loads every registry entry (at start and on periodic resync). */
  async loadAll(): Promise<LoadReport> {
    const started = performance.now();
    const entries = (await this.registry.list()).filter((entry) => this.revisionOf(entry.repository) < entry.revision);
    const listed = performance.now();
    // Fetch every entry's code first (I/O, concurrent), then compile: the two phases are timed apart.
    const code = await Promise.all(entries.map((entry) => (this.needsCompiling(entry) ? this.codeOf(entry) : Promise.resolve(undefined))));
    const fetched = performance.now();
    this.routerDeferred = true;
    try {
      await Promise.allSettled(entries.map((entry, index) => this.install(entry, code[index])));
    } finally {
      this.routerDeferred = false;
      this.rebuildRouter();
    }
    const report: LoadReport = {
      entries: entries.length,
      endpoints: entries.reduce((sum, entry) => sum + entry.endpoints.length, 0),
      listMs: listed - started,
      fetchMs: fetched - listed,
      compileMs: performance.now() - fetched,
    };
    if (entries.length > 0) this.lastLoad = report;
    return report;
  }

  async onChange(change: RegistryChangedV1): Promise<void> {
    if ((this.repositories.get(change.repository)?.entry.revision ?? -1) >= change.revision) return;
    // The change carries the entry as written (unless it is large): no read back from the store.
    const entry = change.entry ? { ...change.entry, repository: change.repository, commit: change.commit, revision: change.revision } : await this.registry.get(change.repository);
    if (entry) await this.install(entry);
  }

  match(method: string, path: string): RouteMatch | null {
    const found = this.router.find(method as 'GET', path);
    if (!found) return null;
    const store = found.store as RouteStore;
    const repository = this.repositories.get(store.repository);
    if (!repository) return null;
    return { repository, endpoint: store.endpoint, params: found.params as Record<string, string> };
  }

  revisionOf(repository: string): number {
    return this.repositories.get(repository)?.entry.revision ?? -1;
  }

  get size(): number {
    return this.repositories.size;
  }

  /** Installs an entry if it is newer; installs of one repository run one after another. */
  install(entry: RegistryEntry, code?: ScriptFile[]): Promise<void> {
    const previous = this.installing.get(entry.repository) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async () => {
      const current = this.repositories.get(entry.repository);
      if (current && current.entry.revision >= entry.revision) return;
      if (current && current.entry.commit === entry.commit && !current.compiled.disposed) {
        // Same code, new switches or quotas: keep the warm isolate.
        this.repositories.set(entry.repository, { entry, compiled: current.compiled });
        this.rebuildRouter();
        return;
      }
      const compiled = await this.compile(entry, code);
      const latest = this.repositories.get(entry.repository);
      if (latest && latest.entry.revision >= entry.revision) {
        compiled.dispose();
        return;
      }
      this.repositories.set(entry.repository, { entry, compiled });
      this.rebuildRouter();
      if (latest) setTimeout(() => latest.compiled.dispose(), 60_000).unref(); // let in-flight requests finish
    });
    this.installing.set(entry.repository, next);
    return next;
  }

  /** A repository whose isolate died (memory limit) is recompiled before its next request. */
  async recompile(repository: string): Promise<void> {
    const current = this.repositories.get(repository);
    if (!current || !current.compiled.disposed) return;
    const compiled = await this.compile(current.entry);
    if (this.repositories.get(repository) === current) this.repositories.set(repository, { entry: current.entry, compiled });
    else compiled.dispose();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.installing.values()]);
    await this.pool.close();
    for (const repository of this.repositories.values()) repository.compiled.dispose();
    this.repositories.clear();
  }

  /**
   * Compiles an entry's scripts into a fresh isolate, from persisted code cache where there is
   * some (then the committed source is not even fetched), and stores the cache this compilation
   * produced for scripts that had none or whose cache V8 refused.
   */
  private async compile(entry: RegistryEntry, code?: ScriptFile[]): Promise<CompiledRepository> {
    const started = performance.now();
    const files = code ?? (await this.codeOf(entry));
    const compiled = await CompiledRepository.compile(files, {
      memoryMb: memoryOf(entry),
      produceCachedData: this.artifacts !== undefined,
      pool: this.pool,
      inline: this.runInline ? this.inlineGateOf(entry.repository) : undefined,
    });
    const { accepted, rejected, produced } = compiled.codeCache;
    this.stats.compilations += 1;
    this.stats.compileSeconds += (performance.now() - started) / 1000;
    this.stats.cacheAccepted += accepted.length;
    this.stats.cacheRejected += rejected.length;
    this.stats.cacheMissing += files.filter((file) => file.cachedData === undefined).length;
    if (this.artifacts !== undefined && produced.size > 0) {
      const engine = engineFingerprint();
      const blobOf = new Map(entry.scripts.map((script) => [script.path, script.blob]));
      const fresh: ScriptArtifact[] = [...produced].flatMap(([path, { javascript, cachedData }]) => {
        const blob = blobOf.get(path);
        return blob === undefined ? [] : [{ blob, engine, javascript, cachedData, digest: artifactDigest(javascript, cachedData) }];
      });
      this.artifacts.putMany(fresh).catch((error: unknown) => this.onWarning(`could not store the code cache of ${entry.repository}: ${String(error)}`));
    }
    return compiled;
  }

  private inlineGateOf(repository: string): InlineGate {
    let gate = this.inlineGates.get(repository);
    if (gate === undefined) {
      gate = new InlineGate(repository);
      this.inlineGates.set(repository, gate);
    }
    return gate;
  }

  /** Inline runs on this process so far, over all repositories (see InlineGate). */
  get inline(): InlineReport {
    const report: InlineReport = { runs: 0, batches: 0, overruns: 0, struck: {} };
    for (const [repository, gate] of this.inlineGates) {
      report.runs += gate.inlineRuns;
      report.batches += gate.inlineBatches;
      report.overruns += gate.overruns;
      if (gate.struck !== undefined) report.struck[repository] = gate.struck;
    }
    return report;
  }

  /** An entry's scripts as the isolate compiles them: persisted JavaScript and code cache, else the committed source. */
  private async codeOf(entry: RegistryEntry): Promise<ScriptFile[]> {
    let artifacts = new Map<string, ScriptArtifact>();
    if (this.artifacts !== undefined && entry.scripts.length > 0) {
      try {
        artifacts = await this.artifacts.getMany(engineFingerprint(), entry.scripts.map((script) => script.blob));
      } catch (error) {
        this.onWarning(`code cache of ${entry.repository} unavailable, compiling from source: ${String(error)}`);
      }
    }
    const withoutArtifact = entry.scripts.filter((script) => !artifacts.has(script.blob));
    const sources = await this.scriptFiles({ ...entry, scripts: withoutArtifact });
    const fromArtifacts = entry.scripts.flatMap((script): ScriptFile[] => {
      const artifact = artifacts.get(script.blob);
      return artifact === undefined ? [] : [{ path: script.path, source: artifact.javascript, javascript: artifact.javascript, cachedData: artifact.cachedData }];
    });
    return [...fromArtifacts, ...sources];
  }

  /** Sources of an entry's scripts (blobs cached by id: content-addressed, never stale). */
  async scriptFiles(entry: RegistryEntry): Promise<ScriptFile[]> {
    return Promise.all(
      entry.scripts.map(async (script) => {
        const key = `${entry.repository}/${script.blob}`;
        let source = this.blobCache.get(key);
        if (source === undefined) {
          const blob = await this.vcs.getBlob(entry.repository, script.blob);
          if (blob === null) throw new Error(`blob ${script.blob} (${script.path}) of ${entry.repository} is missing`);
          source = blob;
          this.blobCache.set(key, source);
        }
        return { path: script.path, source };
      }),
    );
  }

  /** Whether installing this entry means compiling (not merely new switches or quotas for the same code). */
  private needsCompiling(entry: RegistryEntry): boolean {
    const current = this.repositories.get(entry.repository);
    return !(current && current.entry.commit === entry.commit && !current.compiled.disposed);
  }

  private rebuildRouter(): void {
    if (this.routerDeferred) return; // loadAll builds it once at the end
    const router = FindMyWay();
    for (const [name, repository] of this.repositories) {
      for (const endpoint of repository.entry.endpoints) {
        try {
          router.on(endpoint.method as 'GET', endpoint.path, () => undefined, { repository: name, endpoint } satisfies RouteStore);
        } catch (error) {
          this.onWarning(`route ${endpoint.method} ${endpoint.path} of ${name} not served: ${String(error)}`);
        }
      }
    }
    this.router = router;
  }
}

/**
 * The heap of a repository's isolate: the largest memoryMb its endpoints declare (endpoints of a
 * repository share one isolate), the platform's default when none declares one.
 */
function memoryOf(entry: RegistryEntry): number {
  const declared = entry.endpoints.map((endpoint) => endpoint.memoryMb).filter((mb): mb is number => mb !== undefined);
  return declared.length === 0 ? DEFAULT_SCRIPT_LIMITS.memoryMb : Math.max(...declared);
}
