/**
 * The one path every new commit takes after its files are decided (plain commits, merges,
 * reverts): content policy, git ids, events, compare-and-swap append, publication.
 */
import { Injectable } from '@nestjs/common';
import type { BranchMovedV1, CommitCreatedV1, EventEnvelope, RepositoryEventV1 } from '@dsp/contracts';
import { EventRelay } from '@dsp/event-log';
import { WrongExpectedRevisionError } from '@dsp/store';
import { CommitContentPolicy, type ContentVerdict } from './commit-content.policy';
import type { CommitDraft } from './commit-draft';
import { sealCommit, type CommitMeta } from './commit-sealer';
import { decideCommit } from './repository.decider';
import { contentsAt, contentsOf, type RepositoryState } from './repository.state';
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
    const verdict = await this.policy.check({ repository, branch, files: draft.files, baseFiles: contentsOf(draft.base?.files), quotas: state.quotas });
    const { sealed, created } = await this.staleParentAware(repository, branch, meta.parent, () =>
      this.appendChecked(verdict, async () => {
        const sealed = await sealCommit(meta, draft);
        const events = decideCommit(state, { repository, branch, parent: meta.parent }, draft, sealed, reason);
        await this.append(state, repository, events);
        return { sealed, created: events[0]?.data as CommitCreatedV1 };
      }),
    );
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
  }

  /** Moves a branch to an existing commit (fast-forward) after the same content checks as a commit. */
  async moveBranch(state: RepositoryState, repository: string, branch: string, to: string, reason: BranchMovedV1['reason']): Promise<void> {
    const from = state.branches.get(branch)?.head ?? null;
    const verdict = await this.policy.check({ repository, branch, files: contentsAt(state, to), baseFiles: contentsAt(state, from), quotas: state.quotas });
    await this.staleParentAware(repository, branch, from, () =>
      this.appendChecked(verdict, () => this.append(state, repository, [{ type: 'BranchMoved', data: { repository, branch, from, to, reason } }])),
    );
  }

  /**
   * Runs `work` (which appends) only if the content verdict has no problems, and tells the verdict
   * whether it did, so reservations made by the check (route claims) are kept or undone.
   */
  async appendChecked<T>(verdict: ContentVerdict, work: () => Promise<T>): Promise<T> {
    if (verdict.problems.length > 0) {
      await verdict.settle(false);
      throw new InvalidCommitError(verdict.problems);
    }
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await verdict.settle(false);
      throw error;
    }
    await verdict.settle(true);
    return result;
  }

  /** A lost compare-and-swap on the stream becomes a stale-parent error naming the branch's head now. */
  private async staleParentAware<T>(repository: string, branch: string, expected: string | null, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      const fresh = await this.streams.load(repository);
      throw new StaleParentError(branch, expected, fresh.branches.get(branch)?.head ?? null);
    }
  }

  /** Appends events that need no content checks (branch moves, tags, deployment pins). */
  async append(state: RepositoryState, repository: string, events: RepositoryEventV1[]): Promise<EventEnvelope[]> {
    if (events.length === 0) return [];
    const recorded = await this.streams.append(state, repository, events);
    await this.relay.publish(recorded).catch(() => undefined); // the relay's sweep retries
    return recorded;
  }
}
