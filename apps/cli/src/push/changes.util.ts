/** What a push has to send: the difference between local files and the branch's tree. */
import { isIgnoredPath } from './local-files.util';

export interface BlobEntry {
  path: string;
  /** Git blob id (SHA-1 of `blob <size>\0<content>`). */
  blob: string;
}

export type PlannedChange =
  | { status: 'added' | 'modified'; path: string; blob: string }
  | { status: 'deleted'; path: string };

/**
 * Local files missing remotely are added, those with another blob id are modified, remote files
 * missing locally are deleted. Remote paths a push can never see locally (dotfiles,
 * node_modules) are left alone rather than deleted. Sorted by path.
 */
export function planChanges(local: readonly BlobEntry[], remote: readonly BlobEntry[]): PlannedChange[] {
  const remoteBlobs = new Map(remote.map((file) => [file.path, file.blob]));
  const localPaths = new Set(local.map((file) => file.path));
  const changes: PlannedChange[] = [];

  for (const file of local) {
    const remoteBlob = remoteBlobs.get(file.path);
    if (remoteBlob === undefined) changes.push({ status: 'added', path: file.path, blob: file.blob });
    else if (remoteBlob !== file.blob) changes.push({ status: 'modified', path: file.path, blob: file.blob });
  }
  for (const file of remote) {
    if (!localPaths.has(file.path) && !isIgnoredPath(file.path)) changes.push({ status: 'deleted', path: file.path });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
