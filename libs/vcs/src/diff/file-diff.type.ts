/** The structured form of a git-format diff of one file, for clients that render diffs themselves. */
export type FileDiffStatus = 'added' | 'deleted' | 'modified';

export interface DiffHunk {
  /** As in the '@@' line: for an empty side, the line after which the change sits (0 at the top). */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The whole '@@ -a,b +c,d @@ context' line, as `git diff` prints it. */
  header: string;
  /** ' x' context, '-x' removed, '+x' added, and '\ No newline at end of file' after a side's last line. */
  lines: string[];
}

export interface FileDiff {
  path: string;
  status: FileDiffStatus;
  /** Full blob ids; null on the side where the file does not exist. */
  oldBlob: string | null;
  newBlob: string | null;
  /** Lines added and removed, as `git diff --numstat` counts them. */
  added: number;
  removed: number;
  hunks: DiffHunk[];
}
