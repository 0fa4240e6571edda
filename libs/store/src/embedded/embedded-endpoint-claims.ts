import { ClaimConflict, EndpointClaims } from '../endpoint-claims.port';

export class EmbeddedEndpointClaims extends EndpointClaims {
  private readonly owner = new Map<string, string>();

  async claim(repository: string, routes: string[]): Promise<ClaimConflict[]> {
    const conflicts = routes.flatMap((route) => {
      const owner = this.owner.get(route);
      return owner !== undefined && owner !== repository ? [{ route, owner }] : [];
    });
    if (conflicts.length === 0) for (const route of routes) this.owner.set(route, repository);
    return conflicts;
  }
  async release(repository: string, routes: string[]): Promise<void> {
    for (const route of routes) if (this.owner.get(route) === repository) this.owner.delete(route);
  }
  async owners(routes: string[]): Promise<Map<string, string>> {
    return new Map(routes.flatMap((route) => (this.owner.has(route) ? [[route, this.owner.get(route) as string] as const] : [])));
  }
}
