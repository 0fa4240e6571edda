import { Injectable } from '@nestjs/common';
import type { RepositoryEventV1 } from '@dsp/contracts';
import { CommitWriter } from './commit-writer';
import type { RepositoryState } from './repository.state';
import { RepositoryStreams } from './repository-streams';

/**
 * Commands whose decider has the whole say (refs, switches, quotas) share one shape: load the
 * stream, decide, append (a lost race surfaces as a stale-parent conflict).
 */
@Injectable()
export abstract class DecidingCommandHandler<C extends { repository: string }> {
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
