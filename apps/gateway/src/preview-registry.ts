/**
 * Previews: a request with `X-DSP-Ref: <repo>@<branch>` is served by that branch's head, so a
 * reviewer can call a change before it merges. Previews compile into their own isolates, are
 * looked up on demand (branch heads re-checked at most every `refreshMs`) and kept in a small
 * LRU; production entries are never touched.
 */
import FindMyWay, { type HTTPVersion, type Instance } from 'find-my-way';
import type { EndpointDeclarationV1 } from '@dsp/contracts';
import { registryEntryAt } from '@dsp/deployment';
import { CompiledRepository } from '@dsp/runtime';
import type { RegistryEntry, VcsReadModel } from '@dsp/store';
import { RepositoryReader } from '@dsp/vcs';

export const PREVIEW_HEADER = 'x-dsp-ref';

export interface Preview {
  repository: string;
  branch: string;
  entry: RegistryEntry;
  compiled: CompiledRepository;
  router: Instance<HTTPVersion.V1>;
  checkedAt: number;
}

export class PreviewError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class PreviewRegistry {
  private readonly previews = new Map<string, Preview>();
  private readonly loading = new Map<string, Promise<Preview>>();
  private readonly reader: RepositoryReader;

  constructor(
    private readonly vcs: VcsReadModel,
    private readonly scriptSource: (entry: RegistryEntry) => Promise<{ path: string; source: string }[]>,
    private readonly options: { capacity: number; refreshMs: number } = { capacity: 16, refreshMs: 500 },
  ) {
    this.reader = new RepositoryReader(vcs);
  }

  /** Parses `repo@branch`; throws a 400 PreviewError when malformed. */
  static parse(header: string): { repository: string; branch: string } {
    const at = header.indexOf('@');
    const repository = header.slice(0, at);
    const branch = header.slice(at + 1);
    if (at <= 0 || !branch || !/^[a-z][a-z0-9-]{1,62}$/.test(repository)) {
      throw new PreviewError(400, 'invalid-preview-ref', `X-DSP-Ref must look like <repository>@<branch>, got '${header}'`);
    }
    return { repository, branch };
  }

  async get(repository: string, branch: string): Promise<Preview> {
    const key = `${repository}@${branch}`;
    const cached = this.previews.get(key);
    if (cached && Date.now() - cached.checkedAt < this.options.refreshMs) return cached;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(key, repository, branch, cached).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  match(preview: Preview, method: string, path: string): { endpoint: EndpointDeclarationV1; params: Record<string, string> } | null {
    const found = preview.router.find(method as 'GET', path);
    return found ? { endpoint: found.store as EndpointDeclarationV1, params: found.params as Record<string, string> } : null;
  }

  close(): void {
    for (const preview of this.previews.values()) preview.compiled.dispose();
    this.previews.clear();
  }

  private async load(key: string, repository: string, branch: string, cached: Preview | undefined): Promise<Preview> {
    const ref = await this.vcs.getRef(repository, branch);
    if (!ref || branch.startsWith('tags/')) throw new PreviewError(404, 'no-such-branch', `repository '${repository}' has no branch '${branch}'`);
    if (cached && cached.entry.commit === ref.commit && !cached.compiled.disposed) {
      cached.checkedAt = Date.now();
      return cached;
    }
    const entry = await registryEntryAt(this.reader, repository, ref.commit, ref.revision);
    const compiled = await CompiledRepository.compile(await this.scriptSource(entry));
    const router = FindMyWay();
    for (const endpoint of entry.endpoints) router.on(endpoint.method as 'GET', endpoint.path, () => undefined, endpoint);
    const preview: Preview = { repository, branch, entry, compiled, router, checkedAt: Date.now() };
    this.previews.delete(key);
    this.previews.set(key, preview);
    if (cached) setTimeout(() => cached.compiled.dispose(), 60_000).unref();
    while (this.previews.size > this.options.capacity) {
      const oldest = this.previews.keys().next();
      if (oldest.done) break;
      const evicted = this.previews.get(oldest.value);
      this.previews.delete(oldest.value);
      if (evicted) setTimeout(() => evicted.compiled.dispose(), 60_000).unref();
    }
    return preview;
  }
}
