/**
 * The repository decider: pure functions from (state, command) to new events, tested
 * given(events) / when(command) / then(events | error). Ids come from a sealed commit
 * (see commit-sealer) because hashing is async; the decider re-checks every precondition.
 */
import type { BranchMovedV1, CommitCreatedV1, GitIdentityV1, GitTreeObjectV1, RepositoryEventV1 } from '@dsp/contracts';
import type { CreateRepositoryCommand } from './create-repository.command';
import type { CommitDraft } from './commit-draft';
import type { RepositoryState } from './repository.state';
import { REPOSITORY_NAME_PATTERN } from './limits.constant';
import { InvalidCommitError, RepositoryExistsError, RepositoryNotFoundError, StaleParentError } from './vcs.errors';

export interface SealedCommit {
  commit: string;
  tree: string;
  parents: string[];
  author: GitIdentityV1;
  committer: GitIdentityV1;
  message: string;
  trees: Map<string, string>;
  treeObjects: GitTreeObjectV1[];
  blobs: Map<string, string>;
}

export function decideCreateRepository(state: RepositoryState, command: CreateRepositoryCommand): RepositoryEventV1[] {
  if (!REPOSITORY_NAME_PATTERN.test(command.repository)) {
    throw new InvalidCommitError([
      {
        path: command.repository,
        message: 'repository names are 2-63 characters: lowercase letters, digits and "-", starting with a letter',
      },
    ]);
  }
  if (state.repository !== null) throw new RepositoryExistsError(command.repository);
  return [{ type: 'RepositoryCreated', data: { repository: command.repository, createdAt: command.createdAt } }];
}

export function decideCommit(
  state: RepositoryState,
  command: { repository: string; branch: string; parent: string | null },
  draft: CommitDraft,
  sealed: SealedCommit,
  reason: BranchMovedV1['reason'] = 'commit',
): RepositoryEventV1[] {
  if (state.repository === null) throw new RepositoryNotFoundError(command.repository);
  const head = state.branches.get(command.branch)?.head ?? null;
  if (head !== command.parent) throw new StaleParentError(command.branch, command.parent, head);
  const knownTrees = new Set(draft.base?.trees.values() ?? []);
  const created: CommitCreatedV1 = {
    repository: command.repository,
    commit: sealed.commit,
    tree: sealed.tree,
    parents: sealed.parents,
    author: sealed.author,
    committer: sealed.committer,
    message: sealed.message,
    written: draft.written.map((file) => ({ path: file.path, content: file.content, blob: sealed.blobs.get(file.path) ?? '' })),
    deleted: draft.deleted,
    trees: Object.fromEntries(sealed.trees),
    treeObjects: sealed.treeObjects.filter((tree) => !knownTrees.has(tree.id)),
  };
  return [
    { type: 'CommitCreated', data: created },
    { type: 'BranchMoved', data: { repository: command.repository, branch: command.branch, from: head, to: sealed.commit, reason } },
  ];
}
