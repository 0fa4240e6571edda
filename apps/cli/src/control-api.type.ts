/** Wire shapes of the control server's REST API (`/v1`), as the CLI reads and sends them. */

export interface RepositorySummary {
  name: string;
  createdAt: string;
}

export interface RepositoryList {
  repositories: RepositorySummary[];
}

export interface CommitAuthor {
  name: string;
  email: string;
}

export type FileChangeRequest = { path: string; content: string } | { path: string; delete: true };

export interface CreateCommitRequest {
  branch: string;
  parent: string | null;
  message: string;
  author: CommitAuthor;
  changes: FileChangeRequest[];
}

/** `added` | `modified` | `deleted` today; kept open so a newer server does not break an older CLI. */
export type ChangeStatus = 'added' | 'modified' | 'deleted' | (string & {});

export interface ChangedPath {
  path: string;
  status: ChangeStatus;
}

export interface CreatedCommit {
  commit: string;
  tree: string;
  parents: string[];
  branch: string;
  changes: ChangedPath[];
}

export interface GitIdentity {
  name: string;
  email: string;
  /** Unix seconds. */
  timestamp: number;
  /** Minutes, isomorphic-git's sign convention (UTC+2 is -120). */
  timezoneOffset: number;
}

export interface CommitSummary {
  commit: string;
  tree: string;
  parents: string[];
  author: GitIdentity;
  message: string;
}

export interface CommitPage {
  commits: CommitSummary[];
  next: string | null;
}

export interface CommitDetail extends CommitSummary {
  changes: ChangedPath[];
}

export interface TreeFile {
  path: string;
  blob: string;
  size: number;
}

export interface BranchTree {
  commit: string | null;
  files: TreeFile[];
}

export interface Endpoint {
  method: string;
  path: string;
  script: string;
}

export interface EndpointList {
  commit: string | null;
  endpoints: Endpoint[];
}

export interface CommitProblem {
  path?: string;
  line?: number;
  message: string;
}
