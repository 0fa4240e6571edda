/** The CLI's only door to the control server: typed calls to its REST API and one error type. */
import type {
  BackendInsight,
  Blame,
  BranchList,
  BranchProtection,
  BranchTree,
  CommitDetail,
  CommitPage,
  CreateCommitRequest,
  CreatedBranch,
  CreatedCommit,
  CreatedTag,
  DeploymentChange,
  DeploymentStatus,
  EndpointDiff,
  EndpointList,
  FileDiff,
  MergeRequest,
  MergeResult,
  RepositoryList,
  RepositorySummary,
  RevertRequest,
  TagList,
} from './control-api.type';
import { isRecord } from './is-record.util';

/**
 * Any failed call. `status` is the HTTP status, or null when no answer came back
 * (connection refused, DNS failure, timeout). `code` is the server's stable error code, or one
 * of the CLI's own: `server-unreachable`, `server-timeout`, `bad-response`, `http-<status>`.
 */
export class ControlApiError extends Error {
  constructor(
    readonly status: number | null,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ControlApiError';
  }

  /** Worth trying again later without changing the request. */
  get retriable(): boolean {
    return this.status === null || this.status >= 500;
  }
}

export interface ControlClientOptions {
  /** e.g. `http://127.0.0.1:7070`; a path prefix is kept (`https://host/dsp`). */
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  accept?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class ControlClient {
  private readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(options: ControlClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  createRepository(name: string): Promise<RepositorySummary> {
    return this.json<RepositorySummary>('POST', '/repos', { body: { name } });
  }

  listRepositories(): Promise<RepositoryList> {
    return this.json<RepositoryList>('GET', '/repos', {}, 'repositories');
  }

  createCommit(repository: string, request: CreateCommitRequest): Promise<CreatedCommit> {
    return this.json<CreatedCommit>('POST', `${repoPath(repository)}/commits`, { body: request }, 'changes');
  }

  /** History of `ref`, newest first; with `path`, only the commits that changed that file. */
  listCommits(repository: string, query: { ref: string; limit: number; cursor?: string; path?: string }): Promise<CommitPage> {
    return this.json<CommitPage>('GET', `${repoPath(repository)}/commits`, { query }, 'commits');
  }

  getCommit(repository: string, rev: string): Promise<CommitDetail> {
    return this.json<CommitDetail>('GET', `${repoPath(repository)}/commits/${encodeURIComponent(rev)}`, {}, 'changes');
  }

  getTree(repository: string, ref: string): Promise<BranchTree> {
    return this.json<BranchTree>('GET', `${repoPath(repository)}/tree`, { query: { ref } }, 'files');
  }

  /** Raw bytes of one file at a revision. */
  async readFile(repository: string, path: string, ref: string): Promise<Uint8Array> {
    const response = await this.send('GET', `${repoPath(repository)}/files/${encodeSegments(path)}`, {
      query: { ref },
      accept: 'text/plain, application/octet-stream',
    });
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Git-format unified diff between two revisions. */
  async diff(repository: string, from: string, to: string): Promise<string> {
    const response = await this.send('GET', `${repoPath(repository)}/diff`, {
      query: { from, to },
      accept: 'text/x-diff, text/plain',
    });
    return response.text();
  }

  /** Per-file line counts (and hunks) between two revisions. */
  diffFiles(repository: string, from: string, to: string): Promise<FileDiff> {
    return this.json<FileDiff>('GET', `${repoPath(repository)}/diff`, { query: { from, to, format: 'json' } }, 'files');
  }

  /** Endpoints added, removed and changed between two revisions' manifests. */
  diffEndpoints(repository: string, from: string, to: string): Promise<EndpointDiff> {
    return this.json<EndpointDiff>('GET', `${repoPath(repository)}/diff`, { query: { from, to, format: 'endpoints' } }, 'changed');
  }

  listEndpoints(repository: string, ref: string): Promise<EndpointList> {
    return this.json<EndpointList>('GET', `${repoPath(repository)}/endpoints`, { query: { ref } }, 'endpoints');
  }

  /** The commit that last changed each line of a file. */
  blame(repository: string, path: string, ref: string): Promise<Blame> {
    return this.json<Blame>('GET', `${repoPath(repository)}/blame/${encodeSegments(path)}`, { query: { ref } }, 'lines');
  }

  listBranches(repository: string): Promise<BranchList> {
    return this.json<BranchList>('GET', `${repoPath(repository)}/branches`, {}, 'branches');
  }

  createBranch(repository: string, name: string, from: string): Promise<CreatedBranch> {
    return this.json<CreatedBranch>('POST', `${repoPath(repository)}/branches`, { body: { name, from } });
  }

  async deleteBranch(repository: string, name: string): Promise<void> {
    const response = await this.send('DELETE', `${repoPath(repository)}/branches/${encodeSegments(name)}`, {});
    await response.body?.cancel();
  }

  /** `requireMerge`: only merges may move the branch, and it cannot be deleted. */
  setProtection(repository: string, name: string, requireMerge: boolean): Promise<BranchProtection> {
    return this.json<BranchProtection>('PUT', `${repoPath(repository)}/protection/${encodeSegments(name)}`, {
      body: { requireMerge },
    });
  }

  listTags(repository: string): Promise<TagList> {
    return this.json<TagList>('GET', `${repoPath(repository)}/tags`, {}, 'tags');
  }

  createTag(repository: string, name: string, revision: string): Promise<CreatedTag> {
    return this.json<CreatedTag>('POST', `${repoPath(repository)}/tags`, { body: { name, revision } });
  }

  async deleteTag(repository: string, name: string): Promise<void> {
    const response = await this.send('DELETE', `${repoPath(repository)}/tags/${encodeSegments(name)}`, {});
    await response.body?.cancel();
  }

  /** A real conflict fails with 409 `merge-conflict` (details.conflicts); a dry run reports it as `result: 'conflict'`. */
  merge(repository: string, request: MergeRequest): Promise<MergeResult> {
    return this.json<MergeResult>('POST', `${repoPath(repository)}/merges`, { body: request }, 'conflicts');
  }

  /** 409 `revert-conflict` (details.conflicts); 400 `mainline-required` for a merge commit without `mainline`. */
  revert(repository: string, request: RevertRequest): Promise<CreatedCommit> {
    return this.json<CreatedCommit>('POST', `${repoPath(repository)}/reverts`, { body: request }, 'changes');
  }

  getDeployment(repository: string): Promise<DeploymentStatus> {
    return this.json<DeploymentStatus>('GET', `${repoPath(repository)}/deployment`, {}, 'history');
  }

  rollback(repository: string, to: string, reason: string): Promise<DeploymentChange> {
    return this.json<DeploymentChange>('POST', `${repoPath(repository)}/deployment/rollback`, { body: { to, reason } });
  }

  rollForward(repository: string, reason: string, to?: string): Promise<DeploymentChange> {
    return this.json<DeploymentChange>('POST', `${repoPath(repository)}/deployment/rollforward`, { body: { reason, to } });
  }

  /** Backend calls of the repository's scripts, summed over the gateway nodes; `commit` may be a prefix. */
  getInsight(repository: string, filter: { commit?: string; endpoint?: string } = {}): Promise<BackendInsight> {
    return this.json<BackendInsight>('GET', `${repoPath(repository)}/insight`, { query: filter }, 'calls');
  }

  /** Sends a request and parses a JSON answer; `arrayField` must be an array in it (cheap sanity check). */
  private async json<T>(method: string, path: string, options: RequestOptions, arrayField?: string): Promise<T> {
    const response = await this.send(method, path, { ...options, accept: 'application/json' });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ControlApiError(response.status, 'bad-response', `${method} ${path} answered with invalid JSON`);
    }
    if (!isRecord(body) || (arrayField !== undefined && !Array.isArray(body[arrayField]))) {
      throw new ControlApiError(
        response.status,
        'bad-response',
        `${method} ${path} answered with an unexpected document${arrayField ? ` (no "${arrayField}" list)` : ''}`,
      );
    }
    return body as T;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const url = `${this.baseUrl}/v1${path}${queryString(options.query)}`;
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';

    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  private unreachable(error: unknown): ControlApiError {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return new ControlApiError(null, 'server-timeout', `no answer from ${this.baseUrl} within ${this.timeoutMs / 1000}s`);
    }
    return new ControlApiError(null, 'server-unreachable', `cannot reach ${this.baseUrl}: ${networkReason(error)}`);
  }
}

function repoPath(repository: string): string {
  return `/repos/${encodeURIComponent(repository)}`;
}

/** Paths and ref names keep their `/` (the server routes them as a wildcard); each segment is escaped. */
function encodeSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function errorFromResponse(response: Response): Promise<ControlApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = isRecord(body) ? body.error : undefined;
  if (isRecord(error) && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ControlApiError(response.status, error.code, error.message, error.details);
  }
  // Not the API's error format: a proxy page, a crash. Say what came back, briefly.
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const reason = response.statusText || 'request failed';
  return new ControlApiError(response.status, `http-${response.status}`, snippet ? `${reason}: ${snippet}` : reason);
}

/** fetch() hides the socket error in `cause`; that is the part a user can act on. */
function networkReason(error: unknown): string {
  if (error instanceof Error) {
    const cause: unknown = error.cause;
    if (isRecord(cause) && typeof cause.code === 'string') return cause.code;
    if (cause instanceof Error) return cause.message;
    return error.message;
  }
  return String(error);
}
