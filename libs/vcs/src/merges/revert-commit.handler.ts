import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { draftFromFiles } from '../commit-draft';
import { CommitWriter, type CommitResult } from '../commit-writer';
import { contentsAt, requireBranch } from '../repository.state';
import { RepositoryStreams } from '../repository-streams';
import { resolveInState, subjectOf } from '../state-revision.util';
import { mergeFiles } from '../three-way-merge.adapter';
import { RevertConflictError, VcsError } from '../vcs.errors';
import { RevertCommitCommand } from './revert-commit.command';

/** git revert: a three-way merge of the branch head with the commit's parent, based on the commit. */
@CommandHandler(RevertCommitCommand)
export class RevertCommitHandler implements ICommandHandler<RevertCommitCommand, CommitResult> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly writer: CommitWriter,
  ) {}

  async execute(command: RevertCommitCommand): Promise<CommitResult> {
    const state = await this.streams.load(command.repository);
    const { options } = command;
    const branch = requireBranch(state, command.repository, command.branch, options.expectedHead);
    const reverted = resolveInState(state, command.commit);
    const commit = state.commits.get(reverted);
    if (!commit) throw new VcsError('revision-not-found', `commit ${command.commit} not found`);
    let parent: string | null = commit.parents[0] ?? null;
    if (commit.parents.length > 1) {
      if (options.mainline === undefined) {
        throw new VcsError('mainline-required', `${reverted} is a merge commit: say which parent is the mainline (mainline: 1 for ${commit.parents[0]}, 2 for ${commit.parents[1]})`);
      }
      parent = commit.parents[options.mainline - 1] ?? null;
      if (!parent) throw new VcsError('invalid-mainline', `${reverted} has ${commit.parents.length} parents; mainline must be from 1 to ${commit.parents.length}`);
    } else if (options.mainline !== undefined) {
      throw new VcsError('invalid-mainline', `${reverted} is not a merge commit; mainline applies to merge commits only`);
    }
    const outcome = mergeFiles(contentsAt(state, reverted), contentsAt(state, branch.head), contentsAt(state, parent));
    if (!outcome.ok) throw new RevertConflictError(reverted, command.branch, outcome.conflicts);
    const draft = draftFromFiles(state, branch.head, outcome.files);
    if (draft.written.length === 0 && draft.deleted.length === 0) {
      throw new VcsError('nothing-to-revert', `${reverted} changes nothing on '${command.branch}' any more (already reverted?)`);
    }
    const because = commit.parents.length > 1 ? `This reverts commit ${reverted}, reversing\nchanges made to ${parent}.` : `This reverts commit ${reverted}.`;
    const message = options.message ?? `Revert "${subjectOf(commit.message)}"\n\n${because}\n`;
    return this.writer.write(
      state,
      command.repository,
      command.branch,
      { author: command.author, message, parent: branch.head, timestamp: options.timestamp ?? Math.floor(Date.now() / 1000), timezoneOffset: options.timezoneOffset ?? 0 },
      draft,
      'revert',
    );
  }
}
