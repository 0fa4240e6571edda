/**
 * Three-way merge of whole file sets (git's rules per path) with line-level diff3 (node-diff3)
 * for files both sides changed. Pure: returns the merged files or every conflict, never both.
 */
import { diff3Merge } from 'node-diff3';

export interface ConflictHunk {
  /** 1-based first line of the hunk in `ours`. */
  oursStart: number;
  ours: string[];
  base: string[];
  theirs: string[];
}

export interface FileConflict {
  path: string;
  kind: 'content' | 'modify-delete' | 'add-add';
  hunks: ConflictHunk[];
}

export type MergeOutcome = { ok: true; files: Map<string, string> } | { ok: false; conflicts: FileConflict[] };

type Files = ReadonlyMap<string, string>;

export function mergeFiles(base: Files, ours: Files, theirs: Files): MergeOutcome {
  const files = new Map<string, string>();
  const conflicts: FileConflict[] = [];
  const paths = [...new Set([...base.keys(), ...ours.keys(), ...theirs.keys()])].sort();
  for (const path of paths) {
    const b = base.get(path);
    const o = ours.get(path);
    const t = theirs.get(path);
    let merged: string | undefined;
    if (o === t) merged = o;
    else if (b === o) merged = t;
    else if (b === t) merged = o;
    else if (o === undefined || t === undefined) {
      conflicts.push({ path, kind: 'modify-delete', hunks: [] });
      continue;
    } else {
      const result = mergeText(b ?? '', o, t);
      if (!result.ok) {
        conflicts.push({ path, kind: b === undefined ? 'add-add' : 'content', hunks: result.hunks });
        continue;
      }
      merged = result.text;
    }
    if (merged !== undefined) files.set(path, merged);
  }
  return conflicts.length > 0 ? { ok: false, conflicts } : { ok: true, files };
}

function mergeText(base: string, ours: string, theirs: string): { ok: true; text: string } | { ok: false; hunks: ConflictHunk[] } {
  const regions = diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true });
  const out: string[] = [];
  const hunks: ConflictHunk[] = [];
  let oursLine = 1;
  for (const region of regions) {
    if (region.ok) {
      out.push(...region.ok);
      continue;
    }
    if (region.conflict) {
      hunks.push({ oursStart: region.conflict.aIndex + 1, ours: region.conflict.a, base: region.conflict.o, theirs: region.conflict.b });
      oursLine = region.conflict.aIndex + region.conflict.a.length + 1;
    }
  }
  void oursLine;
  return hunks.length > 0 ? { ok: false, hunks } : { ok: true, text: out.join('\n') };
}

/** Split keeping the last-line-without-newline distinction: 'a\nb\n' -> ['a', 'b', '']. */
function lines(text: string): string[] {
  return text.split('\n');
}
