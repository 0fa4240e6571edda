/**
 * Builds the version-control read models from repository events: repositories, commits, trees,
 * blobs, refs and the per-branch log. Every write is an idempotent upsert or revision-guarded.
 */
import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@dsp/contracts';
import { CommitRecord, VcsReadModel } from '@dsp/store';
import { toRepositoryEvent } from './repository-streams';

@Injectable()
export class VcsProjection {
  constructor(private readonly readModel: VcsReadModel) {}

  async apply(envelope: EventEnvelope): Promise<void> {
    const event = toRepositoryEvent(envelope);
    switch (event.type) {
      case 'RepositoryCreated':
        await this.readModel.putRepository({ name: event.data.repository, createdAt: event.data.createdAt }, envelope.revision);
        return;
      case 'CommitCreated': {
        const { data } = event;
        const [before] = await Promise.all([
          this.pathsOf(data.repository, data.parents[0]),
          this.readModel.putBlobs(data.repository, data.written.map((f) => ({ id: f.blob, content: f.content }))),
          this.readModel.putTrees(data.repository, data.treeObjects),
        ]);
        await this.readModel.putCommit({
          repository: data.repository,
          commit: data.commit,
          tree: data.tree,
          parents: data.parents,
          author: data.author,
          committer: data.committer,
          message: data.message,
          changes: [
            ...data.written.map((f) => ({ path: f.path, status: before.has(f.path) ? ('modified' as const) : ('added' as const) })),
            ...data.deleted.map((path) => ({ path, status: 'deleted' as const })),
          ].sort((a, b) => (a.path < b.path ? -1 : 1)),
        });
        return;
      }
      case 'BranchMoved': {
        const { data } = event;
        const commit = await this.readModel.getCommit(data.repository, data.to);
        if (!commit) throw new Error(`projection: commit ${data.to} of ${data.repository} not projected yet`);
        await this.readModel.appendBranchLog(data.repository, data.branch, envelope.revision, commit);
        await this.readModel.moveRef({ repository: data.repository, name: data.branch, commit: data.to, revision: envelope.revision });
        return;
      }
      default: {
        const unknown: never = event;
        throw new Error(`projection: unknown event ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async pathsOf(repository: string, commit: string | undefined): Promise<Set<string>> {
    const parent = commit ? await this.readModel.getCommit(repository, commit) : null;
    return parent ? this.listPaths(repository, parent.tree) : new Set<string>();
  }

  private async listPaths(repository: string, tree: string, prefix = ''): Promise<Set<string>> {
    const paths = new Set<string>();
    const object = await this.readModel.getTree(repository, tree);
    for (const entry of object?.entries ?? []) {
      const path = prefix + entry.path;
      if (entry.type === 'tree') for (const p of await this.listPaths(repository, entry.oid, `${path}/`)) paths.add(p);
      else paths.add(path);
    }
    return paths;
  }
}

export type { CommitRecord };
