import type { Client } from 'cassandra-driver';
import type { EndpointDeclarationV1 } from '@dsp/contracts';
import { allRows } from './all-rows.util';
import { RegistryEntry, RegistryReadModel, normalizeRegistryEntry } from '../registry-read-model.port';

interface RowLike {
  get(name: string): unknown;
}

export class CassandraRegistryReadModel extends RegistryReadModel {
  constructor(private readonly client: Client) {
    super();
  }

  async put(entry: RegistryEntry): Promise<void> {
    // Timestamp = revision + 1: last write wins by revision, so the registry never moves backwards.
    await this.client.execute(
      'INSERT INTO registry (bucket, repository, commit, revision, endpoints, scripts, pinned, switched_off, quotas) VALUES (0, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
      [
        entry.repository,
        entry.commit,
        entry.revision,
        JSON.stringify(entry.endpoints),
        JSON.stringify(entry.scripts),
        entry.pinned ?? false,
        JSON.stringify(entry.switchedOff ?? { repository: false, routes: [] }),
        JSON.stringify(entry.quotas ?? {}),
        entry.revision + 1,
      ],
      { prepare: true },
    );
  }
  async get(repository: string): Promise<RegistryEntry | null> {
    const row = (await this.client.execute('SELECT * FROM registry WHERE bucket = 0 AND repository = ?', [repository], { prepare: true })).first() as RowLike | null;
    return row ? toEntry(row) : null;
  }
  async list(): Promise<RegistryEntry[]> {
    const rows = (await allRows(this.client, 'SELECT * FROM registry WHERE bucket = 0')) as RowLike[];
    return rows.map(toEntry);
  }
}

function toEntry(row: RowLike): RegistryEntry {
  return normalizeRegistryEntry({
    repository: String(row.get('repository')),
    commit: String(row.get('commit')),
    revision: Number(row.get('revision')),
    endpoints: JSON.parse(String(row.get('endpoints'))) as EndpointDeclarationV1[],
    scripts: JSON.parse(String(row.get('scripts'))) as RegistryEntry['scripts'],
    pinned: row.get('pinned') === true,
    switchedOff: row.get('switched_off') ? (JSON.parse(String(row.get('switched_off'))) as RegistryEntry['switchedOff']) : { repository: false, routes: [] },
    quotas: row.get('quotas') ? (JSON.parse(String(row.get('quotas'))) as RegistryEntry['quotas']) : {},
  });
}
