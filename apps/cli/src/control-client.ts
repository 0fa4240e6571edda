/** The CLI's only door to the control server: typed calls to its REST API and one error type. */
import type {
  BranchTree,
  CommitDetail,
  CommitPage,
  CreateCommitRequest,
  CreatedCommit,
  EndpointList,
  RepositoryList,
  RepositorySummary,
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

  listCommits(repository: string, query: { ref: string; limit: number; cursor?: string }): Promise<CommitPage> {
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
    const encodedPath = path.split('/').map(encodeURIComponent).join('/');
    const response = await this.send('GET', `${repoPath(repository)}/files/${encodedPath}`, {
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

  listEndpoints(repository: string, ref: string): Promise<EndpointList> {
    return this.json<EndpointList>('GET', `${repoPath(repository)}/endpoints`, { query: { ref } }, 'endpoints');
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
