import { Injectable } from '@nestjs/common';
import { CommandHandler } from '@nestjs/cqrs';
import type { RepositoryEventV1 } from '@dsp/contracts';
import { CommitWriter } from '../commit-writer';
import type { RepositoryState } from '../repository.state';
import { RepositoryStreams } from '../repository-streams';
import { CreateBranchCommand, CreateTagCommand, DeleteBranchCommand, DeleteTagCommand, ProtectBranchCommand } from './branch.commands';
import { decideCreateBranch, decideCreateTag, decideDeleteBranch, decideDeleteTag, decideProtectBranch } from './branches.decider';

/** Ref commands share one shape: load, decide, append (a lost race surfaces as a stale-parent conflict). */
@Injectable()
abstract class RefCommandHandler<C extends { repository: string }> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly writer: CommitWriter,
  ) {}

  protected abstract decide(state: RepositoryState, command: C): RepositoryEventV1[];

  async execute(command: C): Promise<RepositoryEventV1[]> {
    const state = await this.streams.load(command.repository);
    const events = this.decide(state, command);
    await this.writer.append(state, command.repository, events);
    return events;
  }
}

@CommandHandler(CreateBranchCommand)
export class CreateBranchHandler extends RefCommandHandler<CreateBranchCommand> {
  protected decide = decideCreateBranch;
}

@CommandHandler(DeleteBranchCommand)
export class DeleteBranchHandler extends RefCommandHandler<DeleteBranchCommand> {
  protected decide = decideDeleteBranch;
}

@CommandHandler(ProtectBranchCommand)
export class ProtectBranchHandler extends RefCommandHandler<ProtectBranchCommand> {
  protected decide = decideProtectBranch;
}

@CommandHandler(CreateTagCommand)
export class CreateTagHandler extends RefCommandHandler<CreateTagCommand> {
  protected decide = decideCreateTag;
}

@CommandHandler(DeleteTagCommand)
export class DeleteTagHandler extends RefCommandHandler<DeleteTagCommand> {
  protected decide = decideDeleteTag;
}
