/** Domain errors of version control. Each has a stable `code`; the HTTP edge maps codes to statuses. */
export class VcsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'VcsError';
  }
}

export class RepositoryNotFoundError extends VcsError {
  constructor(repository: string) {
    super('repository-not-found', `repository '${repository}' does not exist`, { repository });
  }
}

export class RepositoryExistsError extends VcsError {
  constructor(repository: string) {
    super('repository-exists', `repository '${repository}' already exists`, { repository });
  }
}

export class StaleParentError extends VcsError {
  constructor(branch: string, expected: string | null, currentHead: string | null) {
    super(
      'stale-parent',
      `branch '${branch}' has moved: you committed on ${expected ?? 'an empty branch'}, ` +
        `but its head is now ${currentHead ?? 'empty'}; fetch the new head and retry`,
      { branch, parent: expected, currentHead },
    );
  }
}

export interface CommitProblem {
  path: string;
  line?: number;
  column?: number;
  message: string;
}

export class InvalidCommitError extends VcsError {
  constructor(readonly problems: CommitProblem[]) {
    super(
      'invalid-commit',
      `commit refused: ${problems.length} problem(s): ` +
        problems.map((p) => `${p.path}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('; '),
      { problems },
    );
  }
}

export class RevisionNotFoundError extends VcsError {
  constructor(repository: string, revision: string) {
    super('revision-not-found', `revision '${revision}' not found in repository '${repository}'`, {
      repository,
      revision,
    });
  }
}

export class FileNotFoundError extends VcsError {
  constructor(repository: string, revision: string, path: string) {
    super('file-not-found', `file '${path}' does not exist at ${revision} in '${repository}'`, {
      repository,
      revision,
      path,
    });
  }
}

export class BranchProtectedError extends VcsError {
  constructor(branch: string, why: string) {
    super('branch-protected', `branch '${branch}' is protected: ${why}`, { branch });
  }
}

export class BranchExistsError extends VcsError {
  constructor(branch: string, head: string) {
    super('branch-exists', `branch '${branch}' already exists (at ${head})`, { branch, head });
  }
}

export class BranchNotFoundError extends VcsError {
  constructor(repository: string, branch: string) {
    super('branch-not-found', `branch '${branch}' does not exist in '${repository}'`, { repository, branch });
  }
}

export class TagExistsError extends VcsError {
  constructor(tag: string, commit: string) {
    super('tag-exists', `tag '${tag}' already exists (at ${commit}); delete it first to move it`, { tag, commit });
  }
}

export class TagNotFoundError extends VcsError {
  constructor(repository: string, tag: string) {
    super('tag-not-found', `tag '${tag}' does not exist in '${repository}'`, { repository, tag });
  }
}

export interface ConflictReport {
  path: string;
  kind: string;
  hunks: { oursStart: number; ours: string[]; base: string[]; theirs: string[] }[];
}

export class MergeConflictError extends VcsError {
  constructor(source: string, target: string, readonly conflicts: ConflictReport[]) {
    super('merge-conflict', `merging '${source}' into '${target}' conflicts in ${conflicts.map((c) => c.path).join(', ')}; nothing was written`, { source, target, conflicts });
  }
}

export class RevertConflictError extends VcsError {
  constructor(commit: string, branch: string, readonly conflicts: ConflictReport[]) {
    super('revert-conflict', `reverting ${commit} on '${branch}' conflicts in ${conflicts.map((c) => c.path).join(', ')}; nothing was written`, { commit, branch, conflicts });
  }
}

export class NotDeployableError extends VcsError {
  constructor(commit: string, why: string) {
    super('not-deployable', `cannot deploy ${commit}: ${why}`, { commit });
  }
}
