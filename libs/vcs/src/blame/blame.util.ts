/**
 * Line blame of one file from its successive versions: each line of the newest version is
 * credited to the commit that last introduced it, as `git blame` does on a linear history
 * (no move or copy detection, like git without -M/-C).
 */
import { alignVersions, numberLines, type NumberedLines } from './line-alignment.util';

export interface FileVersionAtCommit {
  commit: string;
  /** The file's content after `commit`; null when the commit deleted the file (or it did not exist yet). */
  content: string | null;
}

export interface BlamedLine {
  /** 1-based line number in the newest version. */
  line: number;
  commit: string;
  /** The line without its line break. */
  content: string;
}

/**
 * `versions` are oldest first. A version whose content is null is a deletion: every line the
 * file has after it is re-added later and is credited to the commit that re-added it, which is
 * also what `git blame` reports (it does not look past the commit that created the path).
 * Returns [] when the newest version is null or empty.
 *
 * Cost: one line diff per consecutive pair of versions plus O(lines) bookkeeping per version.
 */
export function blame(versions: readonly FileVersionAtCommit[]): BlamedLine[] {
  const table = new Map<string, number>();
  let current: NumberedLines = { text: [], ids: new Int32Array(0) };
  let commits: string[] = [];
  for (const version of versions) {
    const next = numberLines(splitLines(version.content ?? ''), table);
    const { oldChanged, newChanged } = alignVersions(current, next);
    const nextCommits = new Array<string>(next.text.length);
    let i = 0;
    for (let j = 0; j < next.text.length; j++) {
      if (newChanged[j] === true) {
        nextCommits[j] = version.commit;
        continue;
      }
      while (oldChanged[i] === true) i++;
      nextCommits[j] = commits[i++] ?? version.commit;
    }
    current = next;
    commits = nextCommits;
  }
  return current.text.map((text, index) => ({
    line: index + 1,
    commit: commits[index] ?? '',
    content: text.endsWith('\n') ? text.slice(0, -1) : text,
  }));
}

/** Lines with their '\n' kept, so that a last line without one differs from the same line with one (as in git). */
function splitLines(content: string): string[] {
  const lines: string[] = [];
  let from = 0;
  while (from < content.length) {
    const end = content.indexOf('\n', from);
    const to = end === -1 ? content.length : end + 1;
    lines.push(content.slice(from, to));
    from = to;
  }
  return lines;
}
