/** Merge and revert conflicts, shown the way git leaves them in a file (diff3 style). */
import type { ConflictHunk, FileConflict } from '../control-api.type';
import { isRecord } from '../is-record.util';

/** What the marker lines name: `<<<<<<< ours`, `||||||| base`, `>>>>>>> theirs`. */
export interface ConflictLabels {
  ours: string;
  base: string;
  theirs: string;
}

export function formatConflicts(conflicts: readonly FileConflict[], labels: ConflictLabels): string[] {
  const lines: string[] = [];
  for (const conflict of conflicts) {
    if (lines.length > 0) lines.push('');
    lines.push(conflictHeadline(conflict));
    for (const hunk of conflict.hunks) {
      lines.push(
        `@@ ${conflict.path}:${hunk.oursStart} @@`,
        `<<<<<<< ${labels.ours}`,
        ...hunk.ours,
        `||||||| ${labels.base}`,
        ...hunk.base,
        '=======',
        ...hunk.theirs,
        `>>>>>>> ${labels.theirs}`,
      );
    }
  }
  return lines;
}

function conflictHeadline(conflict: FileConflict): string {
  switch (conflict.kind) {
    case 'content':
      return `CONFLICT (content): Merge conflict in ${conflict.path}`;
    case 'add-add':
      return `CONFLICT (add/add): Merge conflict in ${conflict.path}`;
    case 'modify-delete':
      return `CONFLICT (modify/delete): ${conflict.path} deleted on one side and modified on the other`;
    default:
      return `CONFLICT (${conflict.kind}): ${conflict.path}`;
  }
}

/** The conflicts of a 409 `merge-conflict` / `revert-conflict` error's details; whatever does not fit is dropped. */
export function conflictsFromDetails(details: unknown): FileConflict[] {
  if (!isRecord(details) || !Array.isArray(details.conflicts)) return [];
  return details.conflicts.filter(isRecord).flatMap((conflict): FileConflict[] => {
    if (typeof conflict.path !== 'string') return [];
    const hunks = Array.isArray(conflict.hunks) ? conflict.hunks.filter(isRecord).map(toHunk) : [];
    return [{ path: conflict.path, kind: typeof conflict.kind === 'string' ? conflict.kind : 'content', hunks }];
  });
}

function toHunk(hunk: Record<string, unknown>): ConflictHunk {
  return {
    oursStart: typeof hunk.oursStart === 'number' ? hunk.oursStart : 0,
    ours: stringList(hunk.ours),
    base: stringList(hunk.base),
    theirs: stringList(hunk.theirs),
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
