import type { CommitAuthor } from '../commit-changes.command';

/** Merge `source` (any revision) into the branch `target`: fast-forward when possible, else a merge commit. */
export class MergeBranchesCommand {
  constructor(
    readonly repository: string,
    readonly source: string,
    readonly target: string,
    readonly author: CommitAuthor,
    readonly options: {
      message?: string;
      /** Only report what would happen. */
      dryRun?: boolean;
      /** Refuse unless the target is still at this commit (compare-and-swap from the caller's view). */
      expectedTarget?: string;
      /** Always create a merge commit, even when a fast-forward is possible. */
      noFastForward?: boolean;
      timestamp?: number;
      timezoneOffset?: number;
    } = {},
  ) {}
}

export interface MergeResult {
  result: 'up-to-date' | 'fast-forward' | 'merge' | 'conflict';
  dryRun: boolean;
  target: string;
  /** The target's head after the merge (or what it would be; null for a dry-run merge commit). */
  commit: string | null;
  conflicts: { path: string; kind: string; hunks: { oursStart: number; ours: string[]; base: string[]; theirs: string[] }[] }[];
}
