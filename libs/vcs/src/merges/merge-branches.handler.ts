import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { draftFromFiles } from '../commit-draft';
import { isAncestor, mergeBase, onFirstParentChain } from '../commit-graph.util';
import { CommitWriter } from '../commit-writer';
import { contentsAt, requireBranch } from '../repository.state';
import { RepositoryStreams } from '../repository-streams';
import { resolveInState } from '../state-revision.util';
import { mergeFiles } from '../three-way-merge.adapter';
import { MergeConflictError } from '../vcs.errors';
import { MergeBranchesCommand, type MergeResult } from './merge-branches.command';

@CommandHandler(MergeBranchesCommand)
export class MergeBranchesHandler implements ICommandHandler<MergeBranchesCommand, MergeResult> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly writer: CommitWriter,
  ) {}

  async execute(command: MergeBranchesCommand): Promise<MergeResult> {
    const state = await this.streams.load(command.repository);
    const { options } = command;
    const target = requireBranch(state, command.repository, command.target, options.expectedTarget);
    const source = resolveInState(state, command.source);
    const dryRun = options.dryRun ?? false;
    const result = (kind: MergeResult['result'], commit: string | null, conflicts: MergeResult['conflicts'] = []): MergeResult => ({ result: kind, dryRun, target: command.target, commit, conflicts });

    if (isAncestor(state, source, target.head)) return result('up-to-date', target.head);
    if (!options.noFastForward && onFirstParentChain(state, target.head, source)) {
      if (!dryRun) await this.writer.moveBranch(state, command.repository, command.target, source, 'fast-forward');
      return result('fast-forward', source);
    }
    const base = mergeBase(state, target.head, source);
    const outcome = mergeFiles(contentsAt(state, base), contentsAt(state, target.head), contentsAt(state, source));
    if (!outcome.ok) {
      if (dryRun) return result('conflict', null, outcome.conflicts);
      throw new MergeConflictError(command.source, command.target, outcome.conflicts);
    }
    if (dryRun) return result('merge', null);
    const message = options.message ?? `Merge branch '${command.source}' into ${command.target}`;
    const draft = draftFromFiles(state, target.head, outcome.files);
    const written = await this.writer.write(
      state,
      command.repository,
      command.target,
      {
        author: command.author,
        message,
        parent: target.head,
        extraParents: [source],
        timestamp: options.timestamp ?? Math.floor(Date.now() / 1000),
        timezoneOffset: options.timezoneOffset ?? 0,
      },
      draft,
      'merge',
    );
    return result('merge', written.commit);
  }
}
