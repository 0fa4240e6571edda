/**
 * The one path every new commit takes after its files are decided (plain commits, merges,
 * reverts): content policy, git ids, events, compare-and-swap append, publication.
 */
import { Injectable } from '@nestjs/common';
import type { BranchMovedV1, CommitCreatedV1, EventEnvelope, RepositoryEventV1 } from '@dsp/contracts';
import { EventRelay } from '@dsp/event-log';
import { WrongExpectedRevisionError } from '@dsp/store';
import { CommitContentPolicy } from './commit-content.policy';
import type { CommitDraft } from './commit-draft';
import { sealCommit, type CommitMeta } from './commit-sealer';
import { decideCommit } from './repository.decider';
import type { RepositoryState } from './repository.state';
import { RepositoryStreams } from './repository-streams';
import { InvalidCommitError, StaleParentError } from './vcs.errors';

export interface CommitResult {
  commit: string;
  tree: string;
  parents: string[];
  branch: string;
  changes: { path: string; status: 'added' | 'modified' | 'deleted' }[];
}

@Injectable()
export class CommitWriter {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly policy: CommitContentPolicy,
    private readonly relay: EventRelay,
  ) {}

  async write(state: RepositoryState, repository: string, branch: string, meta: CommitMeta, draft: CommitDraft, reason: BranchMovedV1['reason']): Promise<CommitResult> {
    const baseFiles = new Map([...(draft.base?.files ?? new Map<string, { content: string }>())].map(([path, file]) => [path, file.content]));
    const verdict = await this.policy.check({ repository, branch, files: draft.files, baseFiles, quotas: state.quotas });
    if (verdict.problems.length > 0) {
      await verdict.settle(false);
      throw new InvalidCommitError(verdict.problems);
    }
    let appended = false;
    try {
      const sealed = await sealCommit(meta, draft);
      const events = decideCommit(state, { repository, branch, parent: meta.parent }, draft, sealed, reason);
      await this.append(state, repository, events);
      appended = true;
      await verdict.settle(true);
      const created = events[0]?.data as CommitCreatedV1;
      const base = draft.base?.files;
      return {
        commit: sealed.commit,
        tree: sealed.tree,
        parents: sealed.parents,
        branch,
        changes: [
          ...created.written.map((f) => ({ path: f.path, status: base?.has(f.path) ? ('modified' as const) : ('added' as const) })),
          ...created.deleted.map((path) => ({ path, status: 'deleted' as const })),
        ],
      };
    } catch (error) {
      if (!appended) await verdict.settle(false);
      if (error instanceof WrongExpectedRevisionError) {
        const fresh = await this.streams.load(repository);
        throw new StaleParentError(branch, meta.parent, fresh.branches.get(branch)?.head ?? null);
      }
      throw error;
    }
  }

  /** Moves a branch to an existing commit (fast-forward) after the same content checks as a commit. */
  async moveBranch(state: RepositoryState, repository: string, branch: string, to: string, reason: BranchMovedV1['reason']): Promise<void> {
    const from = state.branches.get(branch)?.head ?? null;
    const contents = (commit: string | null) => new Map([...(commit ? (state.commits.get(commit)?.files ?? []) : [])].map(([path, file]) => [path, file.content]));
    const verdict = await this.policy.check({ repository, branch, files: contents(to), baseFiles: contents(from), quotas: state.quotas });
    if (verdict.problems.length > 0) {
      await verdict.settle(false);
      throw new InvalidCommitError(verdict.problems);
    }
    try {
      await this.append(state, repository, [{ type: 'BranchMoved', data: { repository, branch, from, to, reason } }]);
    } catch (error) {
      await verdict.settle(false);
      if (error instanceof WrongExpectedRevisionError) {
        const fresh = await this.streams.load(repository);
        throw new StaleParentError(branch, from, fresh.branches.get(branch)?.head ?? null);
      }
      throw error;
    }
    await verdict.settle(true);
  }

  /** Appends events that need no content checks (branch moves, tags, deployment pins). */
  async append(state: RepositoryState, repository: string, events: RepositoryEventV1[]): Promise<EventEnvelope[]> {
    if (events.length === 0) return [];
    const recorded = await this.streams.append(state, repository, events);
    await this.relay.publish(recorded).catch(() => undefined); // the relay's sweep retries
    return recorded;
  }
}
