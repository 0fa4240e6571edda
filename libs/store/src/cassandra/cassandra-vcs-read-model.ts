import type { Client } from 'cassandra-driver';
import type { GitIdentityV1, GitTreeObjectV1 } from '@dsp/contracts';
import { allRows } from './all-rows.util';
import { BranchLogPage, CommitRecord, RefRecord, RepositoryRecord, VcsReadModel } from '../vcs-read-model.port';

interface RowLike {
  get(name: string): unknown;
}

export class CassandraVcsReadModel extends VcsReadModel {
  constructor(private readonly client: Client) {
    super();
  }

  async putRepository(record: RepositoryRecord): Promise<void> {
    await this.exec('INSERT INTO repositories (bucket, name, created_at) VALUES (0, ?, ?)', [record.name, record.createdAt]);
  }
  async getRepository(name: string): Promise<RepositoryRecord | null> {
    const row = (await this.exec('SELECT name, created_at FROM repositories WHERE bucket = 0 AND name = ?', [name])).first() as RowLike | null;
    return row ? { name: String(row.get('name')), createdAt: String(row.get('created_at')) } : null;
  }
  async listRepositories(): Promise<RepositoryRecord[]> {
    const rows = (await allRows(this.client, 'SELECT name, created_at FROM repositories WHERE bucket = 0')) as RowLike[];
    return rows.map((row) => ({ name: String(row.get('name')), createdAt: String(row.get('created_at')) }));
  }

  async putCommit(record: CommitRecord): Promise<void> {
    await this.exec(
      'INSERT INTO commits (repository, commit, tree, parents, author, committer, message, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [record.repository, record.commit, record.tree, record.parents, JSON.stringify(record.author), JSON.stringify(record.committer), record.message, JSON.stringify(record.changes)],
    );
  }
  async getCommit(repository: string, commit: string): Promise<CommitRecord | null> {
    const row = (await this.exec('SELECT * FROM commits WHERE repository = ? AND commit = ?', [repository, commit])).first() as RowLike | null;
    return row ? toCommit(row) : null;
  }
  async findCommits(repository: string, prefix: string, limit: number): Promise<string[]> {
    const upper = `${prefix}g`; // 'g' sorts after every hex digit
    const rows = (await this.exec('SELECT commit FROM commits WHERE repository = ? AND commit >= ? AND commit < ? LIMIT ?', [repository, prefix, upper, limit])).rows as RowLike[];
    return rows.map((row) => String(row.get('commit')));
  }

  async putTrees(repository: string, trees: GitTreeObjectV1[]): Promise<void> {
    await Promise.all(trees.map((tree) => this.exec('INSERT INTO trees (repository, id, tree_entries) VALUES (?, ?, ?)', [repository, tree.id, JSON.stringify(tree.entries)])));
  }
  async getTree(repository: string, id: string): Promise<GitTreeObjectV1 | null> {
    const row = (await this.exec('SELECT tree_entries FROM trees WHERE repository = ? AND id = ?', [repository, id])).first() as RowLike | null;
    return row ? { id, entries: JSON.parse(String(row.get('tree_entries'))) as GitTreeObjectV1['entries'] } : null;
  }
  async putBlobs(repository: string, blobs: { id: string; content: string }[]): Promise<void> {
    await Promise.all(blobs.map((blob) => this.exec('INSERT INTO blobs (repository, id, content) VALUES (?, ?, ?)', [repository, blob.id, blob.content])));
  }
  async getBlob(repository: string, id: string): Promise<string | null> {
    const row = (await this.exec('SELECT content FROM blobs WHERE repository = ? AND id = ?', [repository, id])).first() as RowLike | null;
    return row ? String(row.get('content')) : null;
  }

  async moveRef(ref: RefRecord): Promise<void> {
    await this.exec('INSERT INTO refs (repository, name, commit, revision) VALUES (?, ?, ?, ?) USING TIMESTAMP ?', [ref.repository, ref.name, ref.commit, ref.revision, ref.revision + 1]);
  }
  async getRef(repository: string, name: string): Promise<RefRecord | null> {
    const row = (await this.exec('SELECT * FROM refs WHERE repository = ? AND name = ?', [repository, name])).first() as RowLike | null;
    return row ? toRef(row) : null;
  }
  async listRefs(repository: string): Promise<RefRecord[]> {
    return ((await allRows(this.client, 'SELECT * FROM refs WHERE repository = ?', [repository])) as RowLike[]).map(toRef);
  }

  async deleteRef(repository: string, name: string, revision: number): Promise<void> {
    await this.exec('DELETE FROM refs USING TIMESTAMP ? WHERE repository = ? AND name = ?', [revision + 1, repository, name]);
  }

  async appendBranchLog(repository: string, branch: string, seq: number, commit: CommitRecord): Promise<void> {
    await this.exec('INSERT INTO branch_log (repository, branch, seq, record) VALUES (?, ?, ?, ?) USING TIMESTAMP ?', [repository, branch, seq, JSON.stringify(commit), seq + 1]);
  }

  async branchLogFloor(repository: string, branch: string): Promise<CommitRecord | null> {
    const row = (await this.exec('SELECT record FROM branch_log WHERE repository = ? AND branch = ? ORDER BY seq ASC LIMIT 1', [repository, branch])).first() as RowLike | null;
    return row ? (JSON.parse(String(row.get('record'))) as CommitRecord) : null;
  }

  async deleteBranchLog(repository: string, branch: string, beforeSeq: number): Promise<void> {
    await this.exec('DELETE FROM branch_log USING TIMESTAMP ? WHERE repository = ? AND branch = ?', [beforeSeq, repository, branch]);
  }

  async appendPathLog(repository: string, branch: string, path: string, seq: number, commit: CommitRecord): Promise<void> {
    await this.exec('INSERT INTO path_log (repository, branch, path, seq, record) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?', [repository, branch, path, seq, JSON.stringify(commit), seq + 1]);
  }

  async pathLog(repository: string, branch: string, path: string, options: { before?: number; limit: number }): Promise<BranchLogPage> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows = (await this.exec('SELECT seq, record FROM path_log WHERE repository = ? AND branch = ? AND path = ? AND seq < ? LIMIT ?', [repository, branch, path, before, options.limit + 1])).rows as RowLike[];
    return toPage(rows, options.limit);
  }
  async branchLog(repository: string, branch: string, options: { before?: number; limit: number }): Promise<BranchLogPage> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows = (await this.exec('SELECT seq, record FROM branch_log WHERE repository = ? AND branch = ? AND seq < ? LIMIT ?', [repository, branch, before, options.limit + 1])).rows as RowLike[];
    return toPage(rows, options.limit);
  }

  private exec(query: string, params: unknown[]) {
    return this.client.execute(query, params, { prepare: true });
  }
}

function toPage(rows: RowLike[], limit: number): BranchLogPage {
  const entries = rows.slice(0, limit).map((row) => ({ seq: Number(row.get('seq')), commit: JSON.parse(String(row.get('record'))) as CommitRecord }));
  const last = entries[entries.length - 1];
  return { entries, next: rows.length > limit && last ? last.seq : null };
}

function toCommit(row: RowLike): CommitRecord {
  return {
    repository: String(row.get('repository')),
    commit: String(row.get('commit')),
    tree: String(row.get('tree')),
    parents: ((row.get('parents') as string[] | null) ?? []).map(String),
    author: JSON.parse(String(row.get('author'))) as GitIdentityV1,
    committer: JSON.parse(String(row.get('committer'))) as GitIdentityV1,
    message: String(row.get('message')),
    changes: JSON.parse(String(row.get('changes'))) as CommitRecord['changes'],
  };
}

function toRef(row: RowLike): RefRecord {
  return {
    repository: String(row.get('repository')),
    name: String(row.get('name')),
    commit: String(row.get('commit')),
    revision: Number(row.get('revision')),
  };
}
