/** `git diff --stat` output from per-file line counts. */
import type { FileDiffSummary } from '../control-api.type';

/** Widest +/- bar; larger changes are scaled down to it, like git does for the terminal width. */
const MAX_BAR = 40;

export function formatDiffStat(files: readonly FileDiffSummary[], maxBar: number = MAX_BAR): string[] {
  if (files.length === 0) return [];
  const pathWidth = Math.max(...files.map((file) => file.path.length));
  const countWidth = Math.max(...files.map((file) => String(file.added + file.removed).length));
  const largest = Math.max(...files.map((file) => file.added + file.removed));
  const scale = (count: number) => {
    if (largest <= maxBar || count === 0) return count;
    return Math.max(1, Math.round((count * maxBar) / largest));
  };

  const lines = files.map((file) => {
    const total = String(file.added + file.removed).padStart(countWidth);
    const bar = `${'+'.repeat(scale(file.added))}${'-'.repeat(scale(file.removed))}`;
    return ` ${file.path.padEnd(pathWidth)} | ${total}${bar ? ` ${bar}` : ''}`;
  });
  lines.push(diffStatSummary(files));
  return lines;
}

/** ` 2 files changed, 3 insertions(+), 1 deletion(-)`, leaving out a zero side as git does. */
export function diffStatSummary(files: readonly FileDiffSummary[]): string {
  const added = files.reduce((sum, file) => sum + file.added, 0);
  const removed = files.reduce((sum, file) => sum + file.removed, 0);
  const parts = [`${files.length} ${files.length === 1 ? 'file' : 'files'} changed`];
  if (added > 0 || removed === 0) parts.push(`${added} ${added === 1 ? 'insertion' : 'insertions'}(+)`);
  if (removed > 0 || added === 0) parts.push(`${removed} ${removed === 1 ? 'deletion' : 'deletions'}(-)`);
  return ` ${parts.join(', ')}`;
}
