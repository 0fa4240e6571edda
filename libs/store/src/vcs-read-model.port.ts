import type { GitIdentityV1, GitTreeObjectV1 } from '@dsp/contracts';

export interface RepositoryRecord {
  name: string;
  createdAt: string;
}

export interface CommitRecord {
  repository: string;
  commit: string;
  tree: string;
  parents: string[];
  author: GitIdentityV1;
  committer: GitIdentityV1;
  message: string;
  changes: { path: string; status: 'added' | 'modified' | 'deleted' }[];
}

export interface RefRecord {
  repository: string;
  /** Short name, e.g. 'main'. */
  name: string;
  commit: string;
  /** Stream revision of the event that last moved it. */
  revision: number;
}

export interface BranchLogPage {
  entries: { seq: number; commit: CommitRecord }[];
  next: number | null;
}

/**
 * Read models of version control, written only by the projector. Every write is idempotent;
 * writes that replace state are guarded by stream revision so stale or replayed events change nothing.
 */
export abstract class VcsReadModel {
  abstract putRepository(record: RepositoryRecord, revision: number): Promise<void>;
  abstract getRepository(name: string): Promise<RepositoryRecord | null>;
  abstract listRepositories(): Promise<RepositoryRecord[]>;

  abstract putCommit(record: CommitRecord): Promise<void>;
  abstract getCommit(repository: string, commit: string): Promise<CommitRecord | null>;
  /** Commit ids starting with `prefix` (at most `limit`). */
  abstract findCommits(repository: string, prefix: string, limit: number): Promise<string[]>;

  abstract putTrees(repository: string, trees: GitTreeObjectV1[]): Promise<void>;
  abstract getTree(repository: string, id: string): Promise<GitTreeObjectV1 | null>;
  abstract putBlobs(repository: string, blobs: { id: string; content: string }[]): Promise<void>;
  abstract getBlob(repository: string, id: string): Promise<string | null>;

  abstract moveRef(ref: RefRecord): Promise<void>;
  abstract getRef(repository: string, name: string): Promise<RefRecord | null>;
  abstract listRefs(repository: string): Promise<RefRecord[]>;

  /** Deletes a ref, unless it was moved by a later revision. */
  abstract deleteRef(repository: string, name: string, revision: number): Promise<void>;

  /**
   * `seq` orders entries newest-last and doubles as the write timestamp, so it must grow with the
   * stream revision (the projector uses revision * 1e6 + position).
   */
  abstract appendBranchLog(repository: string, branch: string, seq: number, commit: CommitRecord): Promise<void>;
  /** Newest first; `before` is an exclusive seq cursor. */
  abstract branchLog(repository: string, branch: string, options: { before?: number; limit: number }): Promise<BranchLogPage>;
  /** The oldest entry of a branch's log: where its own history starts (null for an empty log). */
  abstract branchLogFloor(repository: string, branch: string): Promise<CommitRecord | null>;
  /** Forgets a deleted branch's log (entries written at seqs below `beforeSeq`). */
  abstract deleteBranchLog(repository: string, branch: string, beforeSeq: number): Promise<void>;
  /** History of one path on a branch (commits that changed it), same seq rules as the branch log. */
  abstract appendPathLog(repository: string, branch: string, path: string, seq: number, commit: CommitRecord): Promise<void>;
  abstract pathLog(repository: string, branch: string, path: string, options: { before?: number; limit: number }): Promise<BranchLogPage>;
}
