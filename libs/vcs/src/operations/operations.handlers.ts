import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommitWriter } from '../commit-writer';
import { RepositoryStreams } from '../repository-streams';
import { decideQuotas, decideSwitch } from './operations.decider';
import { SetQuotasCommand, SwitchEndpointCommand } from './operations.commands';

@CommandHandler(SwitchEndpointCommand)
export class SwitchEndpointHandler implements ICommandHandler<SwitchEndpointCommand, void> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly writer: CommitWriter,
  ) {}
  async execute(command: SwitchEndpointCommand): Promise<void> {
    const state = await this.streams.load(command.repository);
    await this.writer.append(state, command.repository, decideSwitch(state, command));
  }
}

@CommandHandler(SetQuotasCommand)
export class SetQuotasHandler implements ICommandHandler<SetQuotasCommand, void> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly writer: CommitWriter,
  ) {}
  async execute(command: SetQuotasCommand): Promise<void> {
    const state = await this.streams.load(command.repository);
    await this.writer.append(state, command.repository, decideQuotas(state, command));
  }
}
