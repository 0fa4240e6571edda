/** Published by the projector after the live registry of a repository changed. */
export interface RegistryChangedV1 {
  repository: string;
  commit: string;
  /** Revision of the repository stream that produced this registry entry; never goes backwards. */
  revision: number;
}
