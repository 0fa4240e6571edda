/** What a script's handler receives as its first argument: the device's HTTP request, already routed. */
export interface DeviceRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: unknown;
}
