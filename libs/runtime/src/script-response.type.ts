/** What a handler resolves to, after validation. `body` is absent (undefined) when the script gave none. */
export interface ScriptResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
