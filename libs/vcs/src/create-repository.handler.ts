import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventRelay } from '@dsp/event-log';
import { WrongExpectedRevisionError } from '@dsp/store';
import { CreateRepositoryCommand } from './create-repository.command';
import { decideCreateRepository } from './repository.decider';
import { RepositoryStreams } from './repository-streams';
import { RepositoryExistsError } from './vcs.errors';

@CommandHandler(CreateRepositoryCommand)
export class CreateRepositoryHandler implements ICommandHandler<CreateRepositoryCommand, { name: string; createdAt: string }> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly relay: EventRelay,
  ) {}

  async execute(command: CreateRepositoryCommand): Promise<{ name: string; createdAt: string }> {
    const state = await this.streams.load(command.repository);
    const events = decideCreateRepository(state, command);
    try {
      const recorded = await this.streams.append(state, command.repository, events);
      await this.relay.publish(recorded).catch(() => undefined); // the relay's sweep retries
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) throw new RepositoryExistsError(command.repository);
      throw error;
    }
    return { name: command.repository, createdAt: command.createdAt };
  }
}
