/** `dsp.json`, the repository manifest: the endpoints a repository declares. */
export interface EndpointDeclarationV1 {
  method: string;
  path: string;
  script: string;
  timeoutMs?: number;
  memoryMb?: number;
}

export interface ManifestV1 {
  endpoints: EndpointDeclarationV1[];
}

export const MANIFEST_PATH = 'dsp.json';
