import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommitChangesCommand } from './commit-changes.command';
import { draftCommit } from './commit-draft';
import { CommitWriter, type CommitResult } from './commit-writer';
import { RepositoryStreams } from './repository-streams';

export type { CommitResult };

/**
 * Validates, seals and appends a commit. Nothing is written unless every check passed; the
 * append is a compare-and-swap on the stream revision, so of two racing commits one wins and
 * the other gets a stale-parent error naming the new head.
 */
@CommandHandler(CommitChangesCommand)
export class CommitChangesHandler implements ICommandHandler<CommitChangesCommand, CommitResult> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly writer: CommitWriter,
  ) {}

  async execute(command: CommitChangesCommand): Promise<CommitResult> {
    const state = await this.streams.load(command.repository);
    const draft = draftCommit(state, command);
    return this.writer.write(state, command.repository, command.branch, command, draft, 'commit');
  }
}
