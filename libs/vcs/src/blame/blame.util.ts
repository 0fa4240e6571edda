/**
 * Line blame of one file from its successive versions: each line of the newest version is
 * credited to the commit that last introduced it, as `git blame` does on a linear history
 * (no move or copy detection, like git without -M/-C).
 */
import { alignLines } from './line-alignment.util';

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
  let lines: string[] = [];
  let commits: string[] = [];
  for (const version of versions) {
    const next = splitLines(version.content ?? '');
    const { oldChanged, newChanged } = alignLines(lines, next);
    const nextCommits = new Array<string>(next.length);
    let i = 0;
    for (let j = 0; j < next.length; j++) {
      if (newChanged[j] === true) {
        nextCommits[j] = version.commit;
        continue;
      }
      while (oldChanged[i] === true) i++;
      nextCommits[j] = commits[i++] ?? version.commit;
    }
    lines = next;
    commits = nextCommits;
  }
  return lines.map((text, index) => ({
    line: index + 1,
    commit: commits[index] ?? '',
    content: text.endsWith('\n') ? text.slice(0, -1) : text,
  }));
}

/** Lines with their '\n' kept, so that a last line without one differs from the same line with one (as in git). */
function splitLines(content: string): string[] {
  const lines = content.split(/(?<=\n)/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
