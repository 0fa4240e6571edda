import type { RepositoryQuotasV1 } from '@dsp/contracts';
import type { CommitProblem } from './vcs.errors';

export interface ContentCheck {
  repository: string;
  branch: string;
  /** Every file the branch would hold after the commit. */
  files: ReadonlyMap<string, string>;
  /** Every file the branch holds now (empty for a new branch). */
  baseFiles: ReadonlyMap<string, string>;
  /** The repository's quotas (script size, endpoint count) at the time of the commit. */
  quotas?: RepositoryQuotasV1;
}

export interface ContentVerdict {
  problems: CommitProblem[];
  /** Told whether the commit was appended, so reservations made by `check` are kept or undone. */
  settle(appended: boolean): Promise<void>;
}

/**
 * What the rest of the platform demands of repository content (a valid manifest, scripts that
 * compile, endpoints nobody else owns). Implemented by the deployment context; checked before
 * anything is written.
 */
export abstract class CommitContentPolicy {
  abstract check(input: ContentCheck): Promise<ContentVerdict>;
  /** May production serve these files (rollback to an older commit): its routes must still be ours. */
  abstract checkDeployment(repository: string, files: ReadonlyMap<string, string>): Promise<ContentVerdict>;
}
