import type { RepositoryEventV1 } from '@dsp/contracts';

export interface FileState {
  blob: string;
  content: string;
}

export interface BranchState {
  head: string;
  files: ReadonlyMap<string, FileState>;
  /** Tree ids of the head commit (directory path -> tree id), to tell which trees a commit adds. */
  trees: ReadonlyMap<string, string>;
}

/** What the repository decider needs to know: folded from the repository's event stream. */
export interface RepositoryState {
  repository: string | null;
  /** Revision of the last folded event; -1 when the stream is empty. */
  revision: number;
  branches: ReadonlyMap<string, BranchState>;
  commits: ReadonlyMap<string, { files: ReadonlyMap<string, FileState>; trees: ReadonlyMap<string, string> }>;
}

export const initialRepositoryState: RepositoryState = {
  repository: null,
  revision: -1,
  branches: new Map(),
  commits: new Map(),
};

export function evolve(state: RepositoryState, event: RepositoryEventV1): RepositoryState {
  const revision = state.revision + 1;
  switch (event.type) {
    case 'RepositoryCreated':
      return { ...state, revision, repository: event.data.repository };
    case 'CommitCreated': {
      const base = event.data.parents[0] ? state.commits.get(event.data.parents[0]) : undefined;
      const files = new Map(base?.files ?? []);
      for (const path of event.data.deleted) files.delete(path);
      for (const file of event.data.written) files.set(file.path, { blob: file.blob, content: file.content });
      const trees = new Map(Object.entries(event.data.trees));
      const commits = new Map(state.commits);
      commits.set(event.data.commit, { files, trees });
      return { ...state, revision, commits };
    }
    case 'BranchMoved': {
      const target = state.commits.get(event.data.to);
      const branches = new Map(state.branches);
      branches.set(event.data.branch, {
        head: event.data.to,
        files: target?.files ?? new Map(),
        trees: target?.trees ?? new Map(),
      });
      return { ...state, revision, branches };
    }
    default: {
      const unknown: never = event;
      throw new Error(`unknown repository event ${JSON.stringify(unknown)}`);
    }
  }
}

export function fold(events: RepositoryEventV1[], from: RepositoryState = initialRepositoryState): RepositoryState {
  return events.reduce(evolve, from);
}
