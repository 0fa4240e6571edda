/** A minimal typed client of the management API for black-box tests. */
export interface ApiResponse<T> {
  status: number;
  body: T;
  text: string;
}

export class ControlApi {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text (files, diffs)
    }
    return { status: response.status, body: parsed as T, text };
  }

  commit(repo: string, parent: string | null, message: string, changes: { path: string; content?: string; delete?: boolean }[], branch = 'main') {
    return this.request<{ commit: string; tree: string; error?: { code: string; message: string; details: Record<string, unknown> } }>('POST', `/v1/repos/${repo}/commits`, {
      branch,
      parent,
      message,
      author: { name: 'E2E Tester', email: 'e2e@example.com' },
      changes,
    });
  }
}
