/** Errors of the read-only git view of a repository (the dumb HTTP protocol). */
import { VcsError } from '../vcs.errors';

export class GitObjectNotFoundError extends VcsError {
  constructor(repository: string, id: string) {
    super('object-not-found', `object '${id}' does not exist in repository '${repository}'`, { repository, id });
  }
}

/**
 * An object rendered from the read models does not hash to the id it is stored under: a
 * rendering bug (or a damaged read model), never the client's fault. Serving it would hand git
 * a corrupt repository, so it is refused.
 */
export class GitObjectCorruptError extends VcsError {
  readonly retriable = false;
  constructor(repository: string, id: string, type: string, renderedId: string) {
    super('object-corrupt', `${type} '${id}' of repository '${repository}' renders to ${renderedId}; refusing to serve it`, { repository, id, type, renderedId });
  }
}
