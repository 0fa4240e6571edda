import type { CommitAuthor } from '../commit-changes.command';

/** A new commit on `branch` that undoes `commit` (git revert; `mainline` picks the parent of a merge). */
export class RevertCommitCommand {
  constructor(
    readonly repository: string,
    readonly commit: string,
    readonly branch: string,
    readonly author: CommitAuthor,
    readonly options: { mainline?: number; message?: string; expectedHead?: string; timestamp?: number; timezoneOffset?: number } = {},
  ) {}
}
