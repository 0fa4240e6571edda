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
        const added = await this.newCommits(data.repository, data.from, data.to);
        for (const [i, commit] of added.entries()) {
          const seq = logSeq(envelope.revision, i);
          await this.readModel.appendBranchLog(data.repository, data.branch, seq, commit);
          await Promise.all(commit.changes.map((change) => this.readModel.appendPathLog(data.repository, data.branch, change.path, seq, commit)));
        }
        await this.readModel.moveRef({ repository: data.repository, name: data.branch, commit: data.to, revision: envelope.revision });
        return;
      }
      case 'BranchDeleted':
        await this.readModel.deleteRef(event.data.repository, event.data.branch, envelope.revision);
        await this.readModel.deleteBranchLog(event.data.repository, event.data.branch, logSeq(envelope.revision + 1, 0));
        return;
      case 'TagCreated':
        await this.readModel.moveRef({ repository: event.data.repository, name: tagRef(event.data.tag), commit: event.data.commit, revision: envelope.revision });
        return;
      case 'TagDeleted':
        await this.readModel.deleteRef(event.data.repository, tagRef(event.data.tag), envelope.revision);
        return;
      case 'BranchProtectionChanged':
      case 'DeploymentPinned':
      case 'DeploymentUnpinned':
      case 'EndpointSwitched':
      case 'QuotasSet':
        return; // answered from the repository's own state and the registry
      default: {
        const unknown: never = event;
        throw new Error(`projection: unknown event ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * The commits a branch gained by moving from `from` to `to`, oldest first: the first-parent
   * chain back to `from`. A new branch gains just its head; history before it is read through
   * the parents (see RepositoryReader.log).
   */
  private async newCommits(repository: string, from: string | null, to: string): Promise<CommitRecord[]> {
    const chain: CommitRecord[] = [];
    for (let id: string | undefined = to; id && id !== from && chain.length < MAX_WALK; ) {
      const commit = await this.readModel.getCommit(repository, id);
      if (!commit) throw new Error(`projection: commit ${id} of ${repository} not projected yet`);
      chain.push(commit);
      if (from === null) break;
      id = commit.parents[0];
    }
    return chain.reverse();
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

const MAX_WALK = 100_000;

/** Log positions grow with the stream revision; up to 1e6 commits can join a branch in one event. */
export function logSeq(revision: number, position: number): number {
  return revision * 1_000_000 + position;
}

export function tagRef(tag: string): string {
  return `tags/${tag}`;
}
