/** Resolves a revision (branch, tag, commit id or prefix, with ~N / ^ suffixes) on the write side. */
import type { RepositoryState } from './repository.state';
import { RevisionNotFoundError, VcsError } from './vcs.errors';

export function resolveInState(state: RepositoryState, revision: string): string {
  const repository = state.repository ?? '';
  const suffix = /((?:~\d*|\^)+)$/.exec(revision);
  if (suffix?.[1] && suffix.index > 0) {
    let commit = resolveInState(state, revision.slice(0, suffix.index));
    for (const step of suffix[1].match(/~\d*|\^/g) ?? []) {
      const count = step === '^' || step === '~' ? 1 : Number(step.slice(1));
      for (let i = 0; i < count; i++) {
        const parent = state.commits.get(commit)?.parents[0];
        if (!parent) throw new RevisionNotFoundError(repository, revision);
        commit = parent;
      }
    }
    return commit;
  }
  const branch = state.branches.get(revision);
  if (branch) return branch.head;
  const tag = state.tags.get(revision);
  if (tag) return tag;
  if (/^[0-9a-f]{4,40}$/.test(revision)) {
    if (state.commits.has(revision)) return revision;
    const found = [...state.commits.keys()].filter((id) => id.startsWith(revision));
    if (found.length > 1) throw new VcsError('ambiguous-revision', `revision '${revision}' matches several commits; give more digits`);
    if (found[0]) return found[0];
  }
  throw new RevisionNotFoundError(repository, revision);
}

export function subjectOf(message: string): string {
  return message.split('\n')[0] ?? '';
}
