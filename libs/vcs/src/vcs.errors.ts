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
