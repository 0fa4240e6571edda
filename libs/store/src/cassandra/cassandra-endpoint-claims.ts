import type { Client } from 'cassandra-driver';
import { ClaimConflict, EndpointClaims } from '../endpoint-claims.port';

/** Route ownership with lightweight transactions: `INSERT ... IF NOT EXISTS`, `DELETE ... IF repository = ?`. */
export class CassandraEndpointClaims extends EndpointClaims {
  constructor(private readonly client: Client) {
    super();
  }

  async claim(repository: string, routes: string[]): Promise<ClaimConflict[]> {
    const claimed: string[] = [];
    const conflicts: ClaimConflict[] = [];
    for (const route of routes) {
      const result = await this.client.execute('INSERT INTO endpoint_claims (route, repository) VALUES (?, ?) IF NOT EXISTS', [route, repository], { prepare: true });
      if (result.wasApplied()) {
        claimed.push(route);
        continue;
      }
      const owner = String(result.first()?.get('repository'));
      if (owner !== repository) conflicts.push({ route, owner });
    }
    if (conflicts.length > 0) await this.release(repository, claimed);
    return conflicts;
  }

  async release(repository: string, routes: string[]): Promise<void> {
    for (const route of routes) {
      await this.client.execute('DELETE FROM endpoint_claims WHERE route = ? IF repository = ?', [route, repository], { prepare: true });
    }
  }

  async owners(routes: string[]): Promise<Map<string, string>> {
    if (routes.length === 0) return new Map();
    const result = await this.client.execute('SELECT route, repository FROM endpoint_claims WHERE route IN ?', [routes], { prepare: true });
    return new Map(result.rows.map((row) => [String(row.get('route')), String(row.get('repository'))]));
  }
}
