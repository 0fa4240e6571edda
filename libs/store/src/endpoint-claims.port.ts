export interface ClaimConflict {
  route: string;
  owner: string;
}

/**
 * Which repository owns each route (`GET /tv/hello/:`). Claims are compare-and-set, so two
 * repositories racing for one route cannot both get it, even before the registry catches up.
 */
export abstract class EndpointClaims {
  /** All or nothing: on any conflict nothing is claimed and the conflicts are returned. */
  abstract claim(repository: string, routes: string[]): Promise<ClaimConflict[]>;
  /** Releases routes this repository owns; routes owned by others are left alone. */
  abstract release(repository: string, routes: string[]): Promise<void>;
  abstract owners(routes: string[]): Promise<Map<string, string>>;
}
