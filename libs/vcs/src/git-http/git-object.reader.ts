/**
 * The read-only git view of a repository, for git's dumb HTTP protocol: the ref list, HEAD and
 * every object by id, rendered from the version-control read models and verified against its id.
 */
import { Injectable } from '@nestjs/common';
import { VcsReadModel } from '@dsp/store';
import { RepositoryNotFoundError } from '../vcs.errors';
import { GitObjectCorruptError, GitObjectNotFoundError } from './git-http.errors';
import { blobContent, commitContent, deflateLooseObject, looseObject, looseObjectId, treeContent, type GitObjectType } from './git-loose-object.util';

export interface GitObject {
  id: string;
  type: GitObjectType;
  /** Uncompressed: `<type> <size>\0<content>`. */
  object: Buffer;
}

const OBJECT_ID = /^[0-9a-f]{40}$/;

@Injectable()
export class GitObjectReader {
  constructor(private readonly readModel: VcsReadModel) {}

  /** `info/refs`: `<sha>\t<ref>\n` per ref, sorted by ref name as git sorts (bytewise). */
  async infoRefs(repository: string): Promise<string> {
    await this.requireRepository(repository);
    // Tags are stored as `tags/<name>` beside the branches (see VcsProjection).
    const refs = (await this.readModel.listRefs(repository)).map((ref) => ({
      name: ref.name.startsWith('tags/') ? `refs/${ref.name}` : `refs/heads/${ref.name}`,
      commit: ref.commit,
    }));
    return refs
      .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)))
      .map((ref) => `${ref.commit}\t${ref.name}\n`)
      .join('');
  }

  /** `HEAD`: every repository's default branch is main. */
  async head(repository: string): Promise<string> {
    await this.requireRepository(repository);
    return 'ref: refs/heads/main\n';
  }

  /** Ensures the repository exists (for routes that name no object). */
  async requireRepository(repository: string): Promise<void> {
    if (!(await this.readModel.getRepository(repository))) throw new RepositoryNotFoundError(repository);
  }

  /** One object, rendered and verified: its sha1 must be the id it was asked for. */
  async readObject(repository: string, id: string): Promise<GitObject> {
    if (!OBJECT_ID.test(id)) throw new GitObjectNotFoundError(repository, id);
    const found = await this.render(repository, id);
    if (!found) throw new GitObjectNotFoundError(repository, id);
    const object = looseObject(found.type, found.content);
    const renderedId = looseObjectId(object);
    if (renderedId !== id) throw new GitObjectCorruptError(repository, id, found.type, renderedId);
    return { id, type: found.type, object };
  }

  /** What `objects/<2 hex>/<38 hex>` serves: the verified object, zlib-deflated. */
  async readLooseObject(repository: string, id: string): Promise<Buffer> {
    return deflateLooseObject((await this.readObject(repository, id)).object);
  }

  /** Ids carry no type, so look in each read model; blobs are the most numerous, so first. */
  private async render(repository: string, id: string): Promise<{ type: GitObjectType; content: Buffer } | null> {
    const blob = await this.readModel.getBlob(repository, id);
    if (blob !== null) return { type: 'blob', content: blobContent(blob) };
    const tree = await this.readModel.getTree(repository, id);
    if (tree) return { type: 'tree', content: treeContent(tree.entries) };
    const commit = await this.readModel.getCommit(repository, id);
    if (commit) return { type: 'commit', content: commitContent(commit) };
    return null;
  }
}
