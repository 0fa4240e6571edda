/**
 * Applies `migrations/NNNN_name.cql` in order, each once, recorded in `schema_migrations`.
 * Statements are written idempotently (IF NOT EXISTS) so two processes starting together are safe.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'cassandra-driver';

export interface AppliedMigration {
  id: string;
  applied: boolean;
}

export async function applyMigrations(client: Client, dir: string): Promise<AppliedMigration[]> {
  await client.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, checksum text, applied_at timestamp)',
  );
  const done = new Map<string, string>();
  for (const row of (await client.execute('SELECT id, checksum FROM schema_migrations')).rows) {
    done.set(String(row.get('id')), String(row.get('checksum')));
  }
  const files = readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.cql$/.test(f)).sort();
  const results: AppliedMigration[] = [];
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    const checksum = createHash('sha256').update(text).digest('hex');
    const recorded = done.get(file);
    if (recorded !== undefined) {
      if (recorded !== checksum) throw new Error(`migration ${file} was changed after it was applied; add a new migration instead`);
      results.push({ id: file, applied: false });
      continue;
    }
    for (const statement of splitStatements(text)) await client.execute(statement);
    await client.execute('INSERT INTO schema_migrations (id, checksum, applied_at) VALUES (?, ?, ?)', [file, checksum, new Date()], { prepare: true });
    results.push({ id: file, applied: true });
  }
  return results;
}

export function splitStatements(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
