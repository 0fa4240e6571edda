/** Versioned payloads of the repository stream. Changing a shape means a new version file. */

export interface GitIdentityV1 {
  name: string;
  email: string;
  /** Unix seconds. */
  timestamp: number;
  /** Minutes, git's sign convention as used by isomorphic-git (UTC = 0). */
  timezoneOffset: number;
}

export interface RepositoryCreatedV1 {
  repository: string;
  createdAt: string;
}

export interface FileWrittenV1 {
  path: string;
  blob: string;
  content: string;
}

export interface CommitCreatedV1 {
  repository: string;
  commit: string;
  tree: string;
  parents: string[];
  author: GitIdentityV1;
  committer: GitIdentityV1;
  message: string;
  /** Files written in this commit (full content, so projections never need another source). */
  written: FileWrittenV1[];
  deleted: string[];
  /** Every tree of the commit: directory path ('' = root) -> tree id. */
  trees: Record<string, string>;
  /** Tree objects this commit introduces (not already in its first parent), for read models and git interop. */
  treeObjects: GitTreeObjectV1[];
}

export interface GitTreeEntryV1 {
  mode: '100644' | '040000';
  path: string;
  oid: string;
  type: 'blob' | 'tree';
}

export interface GitTreeObjectV1 {
  id: string;
  entries: GitTreeEntryV1[];
}

export interface BranchMovedV1 {
  repository: string;
  branch: string;
  /** null when the branch is created. */
  from: string | null;
  to: string;
  reason: 'commit' | 'create' | 'fast-forward' | 'merge' | 'revert';
}

export interface BranchDeletedV1 {
  repository: string;
  branch: string;
  /** The head it had, so the deletion can be undone by hand. */
  head: string;
}

export interface BranchProtectionChangedV1 {
  repository: string;
  branch: string;
  /** When true, the branch only moves by merge (no direct commits, no deletion). */
  requireMerge: boolean;
}

export interface TagCreatedV1 {
  repository: string;
  tag: string;
  commit: string;
}

export interface TagDeletedV1 {
  repository: string;
  tag: string;
  commit: string;
}

/** Production of a repository points at `commit` instead of following main (rollback / roll forward). */
export interface DeploymentPinnedV1 {
  repository: string;
  commit: string;
  /** What served before. */
  previous: string | null;
  actor: string;
  reason: string;
  at: string;
}

/** Production follows the head of main again. */
export interface DeploymentUnpinnedV1 {
  repository: string;
  previous: string | null;
  actor: string;
  reason: string;
  at: string;
}

/** A kill switch: a whole repository (`route` null) or one route (`GET /tv/hello/:`) off or on again. */
export interface EndpointSwitchedV1 {
  repository: string;
  route: string | null;
  enabled: boolean;
  actor: string;
  reason: string;
  at: string;
}

export interface RepositoryQuotasV1 {
  /** Requests per second per gateway node; beyond it, 429 with Retry-After. */
  requestsPerSecond?: number;
  /** Script CPU milliseconds per minute per gateway node; beyond it, 429 until the minute passes. */
  cpuMsPerMinute?: number;
  /** Largest script file accepted by a commit. */
  maxScriptBytes?: number;
  /** Most endpoints the manifest may declare. */
  maxEndpoints?: number;
}

export interface QuotasSetV1 {
  repository: string;
  quotas: RepositoryQuotasV1;
  actor: string;
  at: string;
}

export type RepositoryEventV1 =
  | { type: 'RepositoryCreated'; data: RepositoryCreatedV1 }
  | { type: 'CommitCreated'; data: CommitCreatedV1 }
  | { type: 'BranchMoved'; data: BranchMovedV1 }
  | { type: 'BranchDeleted'; data: BranchDeletedV1 }
  | { type: 'BranchProtectionChanged'; data: BranchProtectionChangedV1 }
  | { type: 'TagCreated'; data: TagCreatedV1 }
  | { type: 'TagDeleted'; data: TagDeletedV1 }
  | { type: 'DeploymentPinned'; data: DeploymentPinnedV1 }
  | { type: 'DeploymentUnpinned'; data: DeploymentUnpinnedV1 }
  | { type: 'EndpointSwitched'; data: EndpointSwitchedV1 }
  | { type: 'QuotasSet'; data: QuotasSetV1 };

export type RepositoryEventType = RepositoryEventV1['type'];

export function repositoryStream(repository: string): string {
  return `repository-${repository}`;
}
