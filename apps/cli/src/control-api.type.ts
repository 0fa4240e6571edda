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
  timeoutMs?: number;
  memoryMb?: number;
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

export interface BranchSummary {
  name: string;
  commit: string;
  /** Only merges may move it (no direct commits, no deletion). */
  requireMerge: boolean;
  /** Commits on this branch that main lacks, and the other way round (0 for main itself). */
  ahead: number;
  behind: number;
}

export interface BranchList {
  branches: BranchSummary[];
}

export interface CreatedBranch {
  name: string;
  commit: string | null;
}

export interface BranchProtection {
  name: string;
  requireMerge: boolean;
}

export interface TagSummary {
  name: string;
  commit: string;
}

export interface TagList {
  tags: TagSummary[];
}

export interface CreatedTag {
  name: string;
  commit: string | null;
}

/** One region both sides changed: `ours` is the target's text, `theirs` the incoming side's. */
export interface ConflictHunk {
  /** 1-based first line of the hunk in `ours`. */
  oursStart: number;
  ours: string[];
  base: string[];
  theirs: string[];
}

/** `content` | `modify-delete` | `add-add` today; kept open like ChangeStatus. */
export type ConflictKind = 'content' | 'modify-delete' | 'add-add' | (string & {});

export interface FileConflict {
  path: string;
  kind: ConflictKind;
  hunks: ConflictHunk[];
}

export interface MergeRequest {
  source: string;
  target: string;
  author: CommitAuthor;
  message?: string;
  dryRun?: boolean;
  noFastForward?: boolean;
}

export interface MergeResult {
  result: 'up-to-date' | 'fast-forward' | 'merge' | 'conflict';
  dryRun: boolean;
  target: string;
  /** The target's head after the merge (or what it would be; null for a dry-run merge commit). */
  commit: string | null;
  conflicts: FileConflict[];
}

export interface RevertRequest {
  commit: string;
  branch: string;
  author: CommitAuthor;
  mainline?: number;
  message?: string;
}

export interface DeploymentChange {
  /** The commit production serves now. */
  serving: string | null;
  previous: string | null;
  pinned: boolean;
}

export interface DeploymentRecord {
  /** `commit` | `create` | `fast-forward` | `merge` | `revert` | `rollback` | `roll-forward`. */
  kind: string;
  from: string | null;
  to: string;
  actor: string;
  /** ISO 8601. */
  at: string;
  reason: string;
}

export interface DeploymentStatus {
  serving: string | null;
  /** True after a rollback: production stays on `serving` while main moves on. */
  pinned: boolean;
  /** Newest first. */
  history: DeploymentRecord[];
}

export interface BlameLine {
  /** 1-based. */
  line: number;
  commit: string;
  content: string;
}

export interface BlameCommit {
  author: string;
  /** Unix seconds. */
  timestamp: number;
  summary: string;
}

export interface Blame {
  path: string;
  ref: string;
  lines: BlameLine[];
  commits: Record<string, BlameCommit>;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The whole `@@ -a,b +c,d @@` line. */
  header: string;
  /** ` x` context, `-x` removed, `+x` added. */
  lines: string[];
}

/** One file of `GET /diff?format=json`; `added` / `removed` count lines like `git diff --numstat`. */
export interface FileDiffSummary {
  path: string;
  status: ChangeStatus;
  oldBlob?: string | null;
  newBlob?: string | null;
  added: number;
  removed: number;
  hunks: DiffHunk[];
}

export interface FileDiff {
  files: FileDiffSummary[];
}

export interface EndpointChange {
  method: string;
  path: string;
  before: Endpoint;
  after: Endpoint;
  /** Names of the fields that differ, e.g. `script`, `timeoutMs`. */
  changes: string[];
}

export interface EndpointDiff {
  added: Endpoint[];
  removed: Endpoint[];
  changed: EndpointChange[];
}

/** One call site of `GET /repos/{repo}/insight`, summed over the gateway nodes. */
export interface BackendCallSummary {
  endpoint: string;
  commit: string;
  service: string;
  method: string;
  calls: number;
  failures: number;
  totalMs: number;
  meanMs: number;
  maxMs: number;
  /** How many gateway nodes reported these calls. */
  nodes: number;
  /** ISO 8601. */
  lastReportedAt: string;
}

export interface BackendInsight {
  repository: string;
  /** Sorted by endpoint, commit, service and method. */
  calls: BackendCallSummary[];
}
