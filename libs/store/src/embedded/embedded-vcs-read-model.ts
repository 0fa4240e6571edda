import type { GitTreeObjectV1 } from '@dsp/contracts';
import { BranchLogPage, CommitRecord, RefRecord, RepositoryRecord, VcsReadModel } from '../vcs-read-model.port';

/** In-memory read models for the single-process platform; rebuilt from the event store at start. */
export class EmbeddedVcsReadModel extends VcsReadModel {
  private readonly repositories = new Map<string, RepositoryRecord>();
  private readonly commits = new Map<string, CommitRecord>();
  private readonly trees = new Map<string, GitTreeObjectV1>();
  private readonly blobs = new Map<string, string>();
  private readonly refs = new Map<string, RefRecord>();
  private readonly logs = new Map<string, Map<number, CommitRecord>>();

  async putRepository(record: RepositoryRecord): Promise<void> {
    this.repositories.set(record.name, { ...record });
  }
  async getRepository(name: string): Promise<RepositoryRecord | null> {
    return this.repositories.get(name) ?? null;
  }
  async listRepositories(): Promise<RepositoryRecord[]> {
    return [...this.repositories.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async putCommit(record: CommitRecord): Promise<void> {
    this.commits.set(`${record.repository}/${record.commit}`, structuredClone(record));
  }
  async getCommit(repository: string, commit: string): Promise<CommitRecord | null> {
    return structuredClone(this.commits.get(`${repository}/${commit}`) ?? null);
  }
  async findCommits(repository: string, prefix: string, limit: number): Promise<string[]> {
    const found: string[] = [];
    for (const record of this.commits.values()) {
      if (record.repository === repository && record.commit.startsWith(prefix)) found.push(record.commit);
      if (found.length >= limit) break;
    }
    return found.sort();
  }

  async putTrees(repository: string, trees: GitTreeObjectV1[]): Promise<void> {
    for (const tree of trees) this.trees.set(`${repository}/${tree.id}`, structuredClone(tree));
  }
  async getTree(repository: string, id: string): Promise<GitTreeObjectV1 | null> {
    return structuredClone(this.trees.get(`${repository}/${id}`) ?? null);
  }
  async putBlobs(repository: string, blobs: { id: string; content: string }[]): Promise<void> {
    for (const blob of blobs) this.blobs.set(`${repository}/${blob.id}`, blob.content);
  }
  async getBlob(repository: string, id: string): Promise<string | null> {
    return this.blobs.get(`${repository}/${id}`) ?? null;
  }

  async moveRef(ref: RefRecord): Promise<void> {
    const key = `${ref.repository}/${ref.name}`;
    const current = this.refs.get(key);
    if (current && current.revision >= ref.revision) return;
    this.refs.set(key, { ...ref });
  }
  async getRef(repository: string, name: string): Promise<RefRecord | null> {
    const ref = this.refs.get(`${repository}/${name}`);
    return ref ? { ...ref } : null;
  }
  async listRefs(repository: string): Promise<RefRecord[]> {
    return [...this.refs.values()].filter((r) => r.repository === repository).map((r) => ({ ...r }));
  }

  async deleteRef(repository: string, name: string, revision: number): Promise<void> {
    const key = `${repository}/${name}`;
    const current = this.refs.get(key);
    if (current && current.revision < revision) this.refs.delete(key);
  }

  async deleteBranchLog(repository: string, branch: string, beforeSeq: number): Promise<void> {
    for (const key of [`${repository}/${branch}`, ...[...this.logs.keys()].filter((k) => k.startsWith(`${repository}/${branch}\u0000`))]) {
      const log = this.logs.get(key);
      if (!log) continue;
      for (const seq of [...log.keys()]) if (seq < beforeSeq) log.delete(seq);
    }
  }

  async branchLogFloor(repository: string, branch: string): Promise<CommitRecord | null> {
    const log = this.logs.get(`${repository}/${branch}`);
    if (!log || log.size === 0) return null;
    return structuredClone(log.get(Math.min(...log.keys())) ?? null);
  }

  async appendPathLog(repository: string, branch: string, path: string, seq: number, commit: CommitRecord): Promise<void> {
    await this.appendBranchLog(repository, `${branch}\u0000${path}`, seq, commit);
  }

  async pathLog(repository: string, branch: string, path: string, options: { before?: number; limit: number }): Promise<BranchLogPage> {
    return this.branchLog(repository, `${branch}\u0000${path}`, options);
  }

  async appendBranchLog(repository: string, branch: string, seq: number, commit: CommitRecord): Promise<void> {
    const key = `${repository}/${branch}`;
    let log = this.logs.get(key);
    if (!log) {
      log = new Map();
      this.logs.set(key, log);
    }
    log.set(seq, structuredClone(commit));
  }
  async branchLog(repository: string, branch: string, options: { before?: number; limit: number }): Promise<BranchLogPage> {
    const log = this.logs.get(`${repository}/${branch}`) ?? new Map<number, CommitRecord>();
    const seqs = [...log.keys()]
      .filter((seq) => options.before === undefined || seq < options.before)
      .sort((a, b) => b - a);
    const page = seqs.slice(0, options.limit);
    const entries = page.map((seq) => ({ seq, commit: structuredClone(log.get(seq) as CommitRecord) }));
    const last = page[page.length - 1];
    return { entries, next: seqs.length > options.limit && last !== undefined ? last : null };
  }
}
