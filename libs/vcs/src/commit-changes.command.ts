export interface FileChange {
  path: string;
  /** New content; absent when `delete` is true. */
  content?: string;
  delete?: boolean;
}

export interface CommitAuthor {
  name: string;
  email: string;
}

/** Record a new commit on a branch, on top of `parent` (null for an empty branch). */
export class CommitChangesCommand {
  constructor(
    readonly repository: string,
    readonly branch: string,
    readonly parent: string | null,
    readonly message: string,
    readonly author: CommitAuthor,
    readonly changes: FileChange[],
    /** Unix seconds; pinned in tests so commit ids are deterministic. */
    readonly timestamp: number = Math.floor(Date.now() / 1000),
    readonly timezoneOffset: number = 0,
  ) {}
}
