/**
 * git's loose object format, as the dumb HTTP protocol serves it: `<type> <size>\0<content>`,
 * zlib-deflated, named by the sha1 of the uncompressed bytes. Rendered from the read models.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import type { GitIdentityV1 } from '@dsp/contracts';
import { renderCommit, treeContent } from '../git-objects.adapter';

export type GitObjectType = 'blob' | 'tree' | 'commit';

const deflateAsync = promisify(deflate);

/** A blob's content: the file's UTF-8 bytes (ids are computed over the same bytes). */
export function blobContent(content: string): Buffer {
  return Buffer.from(content, 'utf8');
}

export { treeContent };

export function commitContent(commit: { tree: string; parents: string[]; author: GitIdentityV1; committer: GitIdentityV1; message: string }): Buffer {
  return Buffer.from(renderCommit(commit), 'utf8');
}

/** The uncompressed object: header and content. */
export function looseObject(type: GitObjectType, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${type} ${content.length}\0`, 'utf8'), content]);
}

/** The object's id: sha1 of the uncompressed object, in hex. */
export function looseObjectId(object: Buffer): string {
  return createHash('sha1').update(object).digest('hex');
}

/** What `objects/<2 hex>/<38 hex>` holds. */
export function deflateLooseObject(object: Buffer): Promise<Buffer> {
  return deflateAsync(object);
}
