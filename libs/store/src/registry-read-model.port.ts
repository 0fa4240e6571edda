import type { EndpointDeclarationV1, RepositoryQuotasV1 } from '@dsp/contracts';

/** The live endpoints of one repository: what its deployed commit declares. */
export interface RegistryEntry {
  repository: string;
  commit: string;
  /** Stream revision that produced this entry; entries never go backwards. */
  revision: number;
  endpoints: EndpointDeclarationV1[];
  /** Every script file of the deployed tree: path -> blob id. */
  scripts: { path: string; blob: string }[];
  /** True while production is rolled back to `commit` instead of following main. */
  pinned?: boolean;
  /** Kill switches: the whole repository, or route keys (`GET /tv/hello/:`) that answer 503. */
  switchedOff?: { repository: boolean; routes: string[] };
  quotas?: RepositoryQuotasV1;
}

export abstract class RegistryReadModel {
  /** Writes the entry unless a newer revision is already stored. */
  abstract put(entry: RegistryEntry): Promise<void>;
  abstract get(repository: string): Promise<RegistryEntry | null>;
  abstract list(): Promise<RegistryEntry[]>;
}

/**
 * The stored form of an entry: optional settings at their defaults (not pinned, nothing switched
 * off, no quotas) are left out, so every adapter gives back the same shape.
 */
export function normalizeRegistryEntry(entry: RegistryEntry): RegistryEntry {
  const { pinned, switchedOff, quotas, ...required } = entry;
  return {
    ...required,
    ...(pinned ? { pinned } : {}),
    ...(switchedOff && (switchedOff.repository || switchedOff.routes.length > 0) ? { switchedOff } : {}),
    ...(quotas && Object.keys(quotas).length > 0 ? { quotas } : {}),
  };
}
