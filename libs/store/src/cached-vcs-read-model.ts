/**
 * Commits, trees and blobs are content-addressed: once written they never change. This decorator
 * keeps recently read ones in memory (bounded, least recently used first out), so history, diff
 * and registry builds stop paying a database round trip per object. Mutable state (refs, branch
 * logs, repositories) always goes to the store.
 */
import type { GitTreeObjectV1 } from '@dsp/contracts';
import { BranchLogPage, CommitRecord, RefRecord, RepositoryRecord, VcsReadModel } from './vcs-read-model.port';

class LruCache<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly capacity: number) {}
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

export class CachedVcsReadModel extends VcsReadModel {
  private readonly commits: LruCache<CommitRecord>;
  private readonly trees: LruCache<GitTreeObjectV1>;
  private readonly blobs: LruCache<string>;

  constructor(
    private readonly inner: VcsReadModel,
    capacity = { commits: 20_000, trees: 20_000, blobs: 5_000 },
  ) {
    super();
    this.commits = new LruCache(capacity.commits);
    this.trees = new LruCache(capacity.trees);
    this.blobs = new LruCache(capacity.blobs);
  }

  putRepository(record: RepositoryRecord, revision: number): Promise<void> {
    return this.inner.putRepository(record, revision);
  }
  getRepository(name: string): Promise<RepositoryRecord | null> {
    return this.inner.getRepository(name);
  }
  listRepositories(): Promise<RepositoryRecord[]> {
    return this.inner.listRepositories();
  }

  async putCommit(record: CommitRecord): Promise<void> {
    await this.inner.putCommit(record);
    this.commits.set(`${record.repository}/${record.commit}`, structuredClone(record));
  }
  async getCommit(repository: string, commit: string): Promise<CommitRecord | null> {
    const key = `${repository}/${commit}`;
    const cached = this.commits.get(key);
    if (cached) return structuredClone(cached);
    const record = await this.inner.getCommit(repository, commit);
    if (record) this.commits.set(key, structuredClone(record));
    return record;
  }
  findCommits(repository: string, prefix: string, limit: number): Promise<string[]> {
    return this.inner.findCommits(repository, prefix, limit);
  }

  async putTrees(repository: string, trees: GitTreeObjectV1[]): Promise<void> {
    await this.inner.putTrees(repository, trees);
    for (const tree of trees) this.trees.set(`${repository}/${tree.id}`, structuredClone(tree));
  }
  async getTree(repository: string, id: string): Promise<GitTreeObjectV1 | null> {
    const key = `${repository}/${id}`;
    const cached = this.trees.get(key);
    if (cached) return structuredClone(cached);
    const tree = await this.inner.getTree(repository, id);
    if (tree) this.trees.set(key, structuredClone(tree));
    return tree;
  }
  async putBlobs(repository: string, blobs: { id: string; content: string }[]): Promise<void> {
    await this.inner.putBlobs(repository, blobs);
    for (const blob of blobs) this.blobs.set(`${repository}/${blob.id}`, blob.content);
  }
  async getBlob(repository: string, id: string): Promise<string | null> {
    const key = `${repository}/${id}`;
    const cached = this.blobs.get(key);
    if (cached !== undefined) return cached;
    const content = await this.inner.getBlob(repository, id);
    if (content !== null) this.blobs.set(key, content);
    return content;
  }

  moveRef(ref: RefRecord): Promise<void> {
    return this.inner.moveRef(ref);
  }
  getRef(repository: string, name: string): Promise<RefRecord | null> {
    return this.inner.getRef(repository, name);
  }
  listRefs(repository: string): Promise<RefRecord[]> {
    return this.inner.listRefs(repository);
  }
  deleteRef(repository: string, name: string, revision: number): Promise<void> {
    return this.inner.deleteRef(repository, name, revision);
  }
  branchLogFloor(repository: string, branch: string): Promise<CommitRecord | null> {
    return this.inner.branchLogFloor(repository, branch);
  }
  deleteBranchLog(repository: string, branch: string, beforeSeq: number): Promise<void> {
    return this.inner.deleteBranchLog(repository, branch, beforeSeq);
  }
  appendPathLog(repository: string, branch: string, path: string, seq: number, commit: CommitRecord): Promise<void> {
    return this.inner.appendPathLog(repository, branch, path, seq, commit);
  }
  pathLog(repository: string, branch: string, path: string, options: { before?: number; limit: number }): Promise<BranchLogPage> {
    return this.inner.pathLog(repository, branch, path, options);
  }
  appendBranchLog(repository: string, branch: string, seq: number, commit: CommitRecord): Promise<void> {
    return this.inner.appendBranchLog(repository, branch, seq, commit);
  }
  branchLog(repository: string, branch: string, options: { before?: number; limit: number }): Promise<BranchLogPage> {
    return this.inner.branchLog(repository, branch, options);
  }
}
