/** A request a script makes to one of the platform's backend services through `ctx`. */
export interface BackendCall {
  service: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

/** Any status (4xx and 5xx included) is a result handed back to the script, not an error. */
export interface BackendResult {
  status: number;
  body: unknown;
}
