import type { CommitAuthor } from './commit-changes.command';
import type { CommitDraft } from './commit-draft';
import type { SealedCommit } from './repository.decider';
import { cleanupMessage } from './commit-message.util';
import { commitId, sealTree } from './git-objects.adapter';

export interface CommitMeta {
  author: CommitAuthor;
  timestamp: number;
  timezoneOffset: number;
  message: string;
  /** First parent: the branch head the commit builds on. */
  parent: string | null;
  /** Further parents (the merged head of a merge commit). */
  extraParents?: string[];
}

/** Computes the git ids (blobs, trees, commit) of a drafted commit. */
export async function sealCommit(command: CommitMeta, draft: CommitDraft): Promise<SealedCommit> {
  const tree = await sealTree(draft.files, draft.base?.files ?? new Map());
  const identity = { name: command.author.name, email: command.author.email, timestamp: command.timestamp, timezoneOffset: command.timezoneOffset };
  const parents = [...(command.parent ? [command.parent] : []), ...(command.extraParents ?? [])];
  const message = cleanupMessage(command.message);
  const commit = await commitId({ tree: tree.tree, parents, author: identity, committer: identity, message });
  return { commit, tree: tree.tree, parents, author: identity, committer: identity, message, trees: tree.trees, treeObjects: tree.treeObjects, blobs: tree.blobs };
}
