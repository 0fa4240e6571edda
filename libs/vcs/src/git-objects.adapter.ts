/**
 * Git object ids, computed by isomorphic-git so they equal what the stock `git` client computes.
 * isomorphic-git's writeObject always writes the object; we only want its id, so it writes
 * into a file system that keeps nothing (the platform's objects live in the event store).
 */
import * as git from 'isomorphic-git';
import type { GitIdentityV1, GitTreeEntryV1, GitTreeObjectV1 } from '@dsp/contracts';

const notFound = (): Promise<never> => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
const done = (): Promise<void> => Promise.resolve();
const fs = {
  promises: {
    readFile: notFound,
    writeFile: done,
    unlink: done,
    readdir: (): Promise<string[]> => Promise.resolve([]),
    mkdir: done,
    rmdir: done,
    stat: notFound,
    lstat: notFound,
    readlink: notFound,
    symlink: done,
    chmod: done,
  },
};
const gitdir = '/dsp-hash-only';

export interface SealedTree {
  /** Root tree id. */
  tree: string;
  /** directory ('' = root) -> tree id, for every directory of the tree. */
  trees: Map<string, string>;
  /** Tree objects, root last. */
  treeObjects: GitTreeObjectV1[];
  /** path -> blob id for every file. */
  blobs: Map<string, string>;
}

export async function blobId(content: string): Promise<string> {
  return git.writeObject({ fs, gitdir, type: 'blob', object: Buffer.from(content, 'utf8'), format: 'content' });
}

/** Builds the tree objects of a full file set. Blob ids already known (unchanged files) are reused. */
export async function sealTree(files: ReadonlyMap<string, string>, knownBlobs: ReadonlyMap<string, { blob: string; content: string }>): Promise<SealedTree> {
  const blobs = new Map<string, string>();
  for (const [path, content] of files) {
    const known = knownBlobs.get(path);
    blobs.set(path, known && known.content === content ? known.blob : await blobId(content));
  }
  // Group entries per directory, then hash bottom-up (deepest directories first).
  const directories = new Map<string, GitTreeEntryV1[]>([['', []]]);
  const ensureDir = (dir: string): GitTreeEntryV1[] => {
    let entries = directories.get(dir);
    if (!entries) {
      entries = [];
      directories.set(dir, entries);
      const slash = dir.lastIndexOf('/');
      ensureDir(slash === -1 ? '' : dir.slice(0, slash));
    }
    return entries;
  };
  for (const [path, oid] of blobs) {
    const slash = path.lastIndexOf('/');
    ensureDir(slash === -1 ? '' : path.slice(0, slash)).push({ mode: '100644', path: path.slice(slash + 1), oid, type: 'blob' });
  }
  const order = [...directories.keys()].sort((a, b) => depth(b) - depth(a));
  const trees = new Map<string, string>();
  const treeObjects: GitTreeObjectV1[] = [];
  for (const dir of order) {
    const entries = directories.get(dir) ?? [];
    for (const [child, id] of trees) {
      if (child !== '' && parentOf(child) === dir && !entries.some((e) => e.type === 'tree' && e.path === nameOf(child))) {
        entries.push({ mode: '040000', path: nameOf(child), oid: id, type: 'tree' });
      }
    }
    const id = await git.writeObject({ fs, gitdir, type: 'tree', object: treeContent(entries), format: 'content' });
    trees.set(dir, id);
    treeObjects.push({ id, entries: [...entries].sort(compareTreeEntries) });
  }
  return { tree: trees.get('') ?? '', trees, treeObjects, blobs };
}

export async function commitId(commit: {
  tree: string;
  parents: string[];
  author: GitIdentityV1;
  committer: GitIdentityV1;
  message: string;
}): Promise<string> {
  // Rendered here rather than by isomorphic-git's commit serializer, which drops every CR from
  // the message; git keeps a CR inside a line, and the id must match git's.
  return git.writeObject({ fs, gitdir, type: 'commit', object: Buffer.from(renderCommit(commit), 'utf8'), format: 'content' });
}

export function renderCommit(commit: { tree: string; parents: string[]; author: GitIdentityV1; committer: GitIdentityV1; message: string }): string {
  const parents = commit.parents.map((parent) => `parent ${parent}\n`).join('');
  return `tree ${commit.tree}\n${parents}author ${identity(commit.author)}\ncommitter ${identity(commit.committer)}\n\n${commit.message}`;
}

function identity(person: GitIdentityV1): string {
  // isomorphic-git's convention: timezoneOffset is minutes *behind* UTC (-120 means +0200).
  const minutes = -person.timezoneOffset;
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return `${person.name} <${person.email}> ${person.timestamp} ${zone}`;
}

/**
 * A tree object's content: `<mode> <name>\0<20-byte sha>` per entry in git's order (git writes a
 * tree's mode as `40000`). Rendered here, not by isomorphic-git, whose entry order compares
 * UTF-16 strings and so differs from git's byte order for some non-ASCII names.
 */
export function treeContent(entries: readonly GitTreeEntryV1[]): Buffer {
  return Buffer.concat(
    [...entries].sort(compareTreeEntries).flatMap((entry) => [Buffer.from(`${entry.mode.replace(/^0+/, '')} ${entry.path}\0`, 'utf8'), Buffer.from(entry.oid, 'hex')]),
  );
}

/** git's own order: byte (UTF-8) order of names, with tree names compared as if they ended in '/'. */
export function compareTreeEntries(a: GitTreeEntryV1, b: GitTreeEntryV1): number {
  const ka = Buffer.from(a.type === 'tree' ? `${a.path}/` : a.path, 'utf8');
  const kb = Buffer.from(b.type === 'tree' ? `${b.path}/` : b.path, 'utf8');
  return Buffer.compare(ka, kb);
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}
function parentOf(dir: string): string {
  const slash = dir.lastIndexOf('/');
  return slash === -1 ? '' : dir.slice(0, slash);
}
function nameOf(dir: string): string {
  return dir.slice(dir.lastIndexOf('/') + 1);
}
