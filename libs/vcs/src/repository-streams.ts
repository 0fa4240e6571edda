import { Injectable } from '@nestjs/common';
import { repositoryStream, type EventEnvelope, type RepositoryEventV1 } from '@dsp/contracts';
import { EventStore } from '@dsp/store';
import { emptyRepositoryState, evolve, requireRepository, type RepositoryState } from './repository.state';

/**
 * Loads repository state by folding its stream. Folded states are cached and only the events
 * after the cached revision are read, so a busy repository does not re-fold its whole history.
 */
@Injectable()
export class RepositoryStreams {
  private readonly cache = new Map<string, RepositoryState>();

  constructor(private readonly store: EventStore) {}

  async load(repository: string): Promise<RepositoryState> {
    const cached = this.cache.get(repository) ?? emptyRepositoryState();
    const events = await this.store.read(repositoryStream(repository), cached.revision + 1);
    const state = events.reduce((s, e) => evolve(s, toRepositoryEvent(e)), cached);
    if (state.repository !== null) this.cache.set(repository, state);
    return state;
  }

  /** Like load, but a repository that does not exist is a repository-not-found error. */
  async loadExisting(repository: string): Promise<RepositoryState> {
    const state = await this.load(repository);
    requireRepository(state, repository);
    return state;
  }

  async append(state: RepositoryState, repository: string, events: RepositoryEventV1[]): Promise<EventEnvelope[]> {
    const recorded = await this.store.append(repositoryStream(repository), state.revision, events);
    this.cache.set(repository, events.reduce(evolve, state));
    return recorded;
  }
}

export function toRepositoryEvent(envelope: EventEnvelope): RepositoryEventV1 {
  return { type: envelope.type, data: envelope.data } as RepositoryEventV1;
}
