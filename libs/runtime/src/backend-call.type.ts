/** A request a script makes to one of the platform's backend services through `ctx`. */
export interface BackendCall {
  service: string;
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The script's own deadline for this call; it can only shorten the service's configured timeout. */
  timeoutMs?: number;
}

/** Any status (4xx and 5xx included) is a result handed back to the script, not an error. */
export interface BackendResult {
  status: number;
  body: unknown;
}
