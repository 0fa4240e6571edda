import type { CommitProblem } from './vcs.errors';

/**
 * What the rest of the platform demands of repository content (a valid manifest, scripts that
 * compile, endpoints nobody else owns). Implemented by the deployment context; checked before
 * anything is written.
 */
export abstract class CommitContentPolicy {
  abstract check(repository: string, files: ReadonlyMap<string, string>, changedPaths: string[]): Promise<CommitProblem[]>;
}
