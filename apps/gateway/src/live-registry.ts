/**
 * The gateway's in-memory view of the endpoint registry: compiled repositories and a radix-tree
 * router over their endpoints. An entry is only ever replaced by one with a higher revision, so
 * a gateway never goes back to an older version once it has served a newer one.
 */
import FindMyWay, { type HTTPVersion, type Instance } from 'find-my-way';
import type { EndpointDeclarationV1, RegistryChangedV1 } from '@dsp/contracts';
import { CompiledRepository, type ScriptFile } from '@dsp/runtime';
import type { RegistryEntry, RegistryReadModel, VcsReadModel } from '@dsp/store';

export interface LiveRepository {
  entry: RegistryEntry;
  compiled: CompiledRepository;
}

export interface RouteMatch {
  repository: LiveRepository;
  endpoint: EndpointDeclarationV1;
  params: Record<string, string>;
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

  constructor(
    private readonly registry: RegistryReadModel,
    private readonly vcs: VcsReadModel,
    private readonly onWarning: (message: string) => void = () => undefined,
  ) {}

  /** Loads every registry entry (at start and on periodic resync). */
  async loadAll(): Promise<void> {
    const entries = await this.registry.list();
    await Promise.all(entries.map((entry) => this.install(entry)));
  }

  async onChange(change: RegistryChangedV1): Promise<void> {
    if ((this.repositories.get(change.repository)?.entry.revision ?? -1) >= change.revision) return;
    const entry = await this.registry.get(change.repository);
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
  install(entry: RegistryEntry): Promise<void> {
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
      const files = await this.scriptFiles(entry);
      const compiled = await CompiledRepository.compile(files);
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
    const compiled = await CompiledRepository.compile(await this.scriptFiles(current.entry));
    if (this.repositories.get(repository) === current) this.repositories.set(repository, { entry: current.entry, compiled });
    else compiled.dispose();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.installing.values()]);
    for (const repository of this.repositories.values()) repository.compiled.dispose();
    this.repositories.clear();
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

  private rebuildRouter(): void {
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
