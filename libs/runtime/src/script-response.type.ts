/** What a handler resolves to, after validation. `body` is absent (undefined) when the script gave none. */
export interface ScriptResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /**
   * The body as the JSON text the script's isolate produced (absent with the body): a server sends
   * it as it is instead of parsing and serialising the body again. Not enumerable.
   */
  readonly bodyJson?: string;
}
