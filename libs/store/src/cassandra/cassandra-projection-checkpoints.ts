import type { Client } from 'cassandra-driver';
import { ProjectionCheckpoints } from '../projection-checkpoints.port';

export class CassandraProjectionCheckpoints extends ProjectionCheckpoints {
  constructor(private readonly client: Client) {
    super();
  }
  async get(projection: string, stream: string): Promise<number> {
    const row = (await this.client.execute('SELECT revision FROM projection_checkpoints WHERE projection = ? AND stream = ?', [projection, stream], { prepare: true })).first();
    return row ? Number(row.get('revision')) : -1;
  }
  async set(projection: string, stream: string, revision: number): Promise<void> {
    await this.client.execute(
      'INSERT INTO projection_checkpoints (projection, stream, revision) VALUES (?, ?, ?) USING TIMESTAMP ?',
      [projection, stream, revision, revision + 1],
      { prepare: true },
    );
  }
}
