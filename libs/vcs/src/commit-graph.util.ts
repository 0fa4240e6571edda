/** Ancestry questions over the folded commit graph (parents only; content is not touched). */
import type { RepositoryState } from './repository.state';

/** Every ancestor of `commit`, itself included. */
export function ancestors(state: RepositoryState, commit: string): Set<string> {
  const seen = new Set<string>();
  const queue = [commit];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const parent of state.commits.get(next)?.parents ?? []) queue.push(parent);
  }
  return seen;
}

export function isAncestor(state: RepositoryState, maybeAncestor: string, of: string): boolean {
  return ancestors(state, of).has(maybeAncestor);
}

/** The nearest common ancestor of two commits (breadth first from `b`), or null for unrelated histories. */
export function mergeBase(state: RepositoryState, a: string, b: string): string | null {
  const ofA = ancestors(state, a);
  const seen = new Set<string>();
  let frontier = [b];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const commit of frontier) {
      if (ofA.has(commit)) return commit;
      if (seen.has(commit)) continue;
      seen.add(commit);
      next.push(...(state.commits.get(commit)?.parents ?? []));
    }
    frontier = next;
  }
  return null;
}

/** Commits reachable from `head` but not from `base` (git's `base..head` count). */
export function countAhead(state: RepositoryState, head: string, base: string): number {
  const excluded = ancestors(state, base);
  let count = 0;
  for (const commit of ancestors(state, head)) if (!excluded.has(commit)) count += 1;
  return count;
}

/**
 * Whether `commit` lies on the first-parent chain of `head`. Fast-forwards are only taken when it
 * does, so a branch's first-parent history (its log) never loses or repeats a commit.
 */
export function onFirstParentChain(state: RepositoryState, commit: string, head: string): boolean {
  for (let id: string | undefined = head; id; id = state.commits.get(id)?.parents[0]) if (id === commit) return true;
  return false;
}
