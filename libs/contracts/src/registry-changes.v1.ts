import type { EndpointDeclarationV1 } from './manifest.v1';
import type { RepositoryQuotasV1 } from './repository-events.v1';

/** A repository's live registry entry as it travels on the registry topic. */
export interface RegistryEntryV1 {
  endpoints: EndpointDeclarationV1[];
  /** Every script file of the deployed tree: path -> blob id. */
  scripts: { path: string; blob: string }[];
  pinned?: boolean;
  switchedOff?: { repository: boolean; routes: string[] };
  quotas?: RepositoryQuotasV1;
}

/** Published by the projector after the live registry of a repository changed. */
export interface RegistryChangedV1 {
  repository: string;
  commit: string;
  /** Revision of the repository stream that produced this registry entry; never goes backwards. */
  revision: number;
  /**
   * The entry as written, so API nodes install it without reading it back from the store. Left out
   * when it is large (MAX_INLINE_REGISTRY_ENTRY_BYTES); consumers then read the entry themselves.
   */
  entry?: RegistryEntryV1;
}

/** Entries up to this size travel inside the change (well under Kafka's 1 MB default message size). */
export const MAX_INLINE_REGISTRY_ENTRY_BYTES = 256 * 1024;
