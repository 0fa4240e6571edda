import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { CommitCreatedV1 } from '@dsp/contracts';
import { EventRelay } from '@dsp/event-log';
import { WrongExpectedRevisionError } from '@dsp/store';
import { CommitChangesCommand } from './commit-changes.command';
import { CommitContentPolicy } from './commit-content.policy';
import { draftCommit, type CommitDraft } from './commit-draft';
import { sealCommit } from './commit-sealer';
import { decideCommit, type SealedCommit } from './repository.decider';
import { RepositoryStreams } from './repository-streams';
import { InvalidCommitError, StaleParentError } from './vcs.errors';

export interface CommitResult {
  commit: string;
  tree: string;
  parents: string[];
  branch: string;
  changes: { path: string; status: 'added' | 'modified' | 'deleted' }[];
}

/**
 * Validates, seals and appends a commit. Nothing is written unless every check passed; the
 * append is a compare-and-swap on the stream revision, so of two racing commits one wins and
 * the other gets a stale-parent error naming the new head.
 */
@CommandHandler(CommitChangesCommand)
export class CommitChangesHandler implements ICommandHandler<CommitChangesCommand, CommitResult> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly policy: CommitContentPolicy,
    private readonly relay: EventRelay,
  ) {}

  async execute(command: CommitChangesCommand): Promise<CommitResult> {
    const state = await this.streams.load(command.repository);
    const draft = draftCommit(state, command);
    const baseFiles = new Map([...(draft.base?.files ?? new Map<string, { content: string }>())].map(([path, file]) => [path, file.content]));
    const verdict = await this.policy.check({ repository: command.repository, branch: command.branch, files: draft.files, baseFiles });
    if (verdict.problems.length > 0) {
      await verdict.settle(false);
      throw new InvalidCommitError(verdict.problems);
    }
    let appended = false;
    try {
      const sealed = await sealCommit(command, draft);
      const events = decideCommit(state, command, draft, sealed);
      const recorded = await this.streams.append(state, command.repository, events);
      appended = true;
      await verdict.settle(true);
      await this.relay.publish(recorded).catch(() => undefined); // the relay's sweep retries
      return this.result(command, draft, sealed, events[0]?.data as CommitCreatedV1);
    } catch (error) {
      if (!appended) await verdict.settle(false);
      if (error instanceof WrongExpectedRevisionError) {
        const fresh = await this.streams.load(command.repository);
        throw new StaleParentError(command.branch, command.parent, fresh.branches.get(command.branch)?.head ?? null);
      }
      throw error;
    }
  }

  private result(command: CommitChangesCommand, draft: CommitDraft, sealed: SealedCommit, created: CommitCreatedV1): CommitResult {
    const base = draft.base?.files;
    return {
      commit: sealed.commit,
      tree: sealed.tree,
      parents: sealed.parents,
      branch: command.branch,
      changes: [
        ...created.written.map((f) => ({ path: f.path, status: base?.has(f.path) ? ('modified' as const) : ('added' as const) })),
        ...created.deleted.map((path) => ({ path, status: 'deleted' as const })),
      ],
    };
  }
}
