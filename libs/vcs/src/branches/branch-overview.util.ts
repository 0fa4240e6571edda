import { countAhead } from '../commit-graph.util';
import type { RepositoryState } from '../repository.state';

export interface BranchOverview {
  name: string;
  commit: string;
  requireMerge: boolean;
  /** Commits on this branch that main does not have, and the reverse. */
  ahead: number;
  behind: number;
}

export function branchOverview(state: RepositoryState): BranchOverview[] {
  const main = state.branches.get('main')?.head;
  return [...state.branches]
    .map(([name, branch]) => ({
      name,
      commit: branch.head,
      requireMerge: branch.requireMerge,
      ahead: main ? countAhead(state, branch.head, main) : 0,
      behind: main ? countAhead(state, main, branch.head) : 0,
    }))
    .sort((a, b) => (a.name === 'main' ? -1 : b.name === 'main' ? 1 : a.name < b.name ? -1 : 1));
}
