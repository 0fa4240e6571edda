/** The files of a local DSP folder that `dsp push` sends, and the ones it leaves out. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface LocalFile {
  /** Relative to the pushed folder, `/`-separated, as stored in the repository. */
  path: string;
  content: Uint8Array;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface LocalFolder {
  files: LocalFile[];
  /** Entries that look like content but cannot be pushed (symlinks, devices); worth a warning. */
  skipped: SkippedEntry[];
}

/**
 * Paths that never take part in a push, locally or remotely: dotfiles and dot-folders
 * (which covers `.dsp/` and `.git/`) and `node_modules/`, at any depth.
 */
export function isIgnoredPath(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith('.') || segment === 'node_modules');
}

/** Every pushable regular file under `root`, sorted by path. */
export async function readLocalFolder(root: string): Promise<LocalFolder> {
  const folder: LocalFolder = { files: [], skipped: [] };
  await walk(root, '', folder);
  folder.files.sort((a, b) => compare(a.path, b.path));
  folder.skipped.sort((a, b) => compare(a.path, b.path));
  return folder;
}

async function walk(root: string, prefix: string, folder: LocalFolder): Promise<void> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const entry of entries) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (isIgnoredPath(entry.name)) continue;
    if (entry.isDirectory()) {
      await walk(root, path, folder);
    } else if (entry.isFile()) {
      folder.files.push({ path, content: new Uint8Array(await readFile(join(root, path))) });
    } else {
      // Repositories hold regular files only (mode 100644); a symlink would silently change meaning.
      folder.skipped.push({ path, reason: entry.isSymbolicLink() ? 'symbolic link' : 'not a regular file' });
    }
  }
}

/** Byte order, like git's tree order for plain files, independent of the locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
