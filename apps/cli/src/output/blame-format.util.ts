/** `git blame` style lines: `<sha7> (<author> <YYYY-MM-DD> <line>) <content>`, columns aligned. */
import type { Blame } from '../control-api.type';
import { shortSha } from './commit-format.util';

export function formatBlame(blame: Pick<Blame, 'lines' | 'commits'>): string[] {
  const rows = blame.lines.map((line) => {
    const commit = blame.commits[line.commit];
    return {
      sha: shortSha(line.commit),
      author: commit?.author ?? '?',
      date: commit ? utcDate(commit.timestamp) : '????-??-??',
      line: String(line.line),
      content: line.content,
    };
  });
  const authorWidth = Math.max(0, ...rows.map((row) => row.author.length));
  const lineWidth = Math.max(0, ...rows.map((row) => row.line.length));
  return rows.map(
    (row) => `${row.sha} (${row.author.padEnd(authorWidth)} ${row.date} ${row.line.padStart(lineWidth)}) ${row.content}`,
  );
}

/** The blame answer carries no time zone, so dates are UTC. */
function utcDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}
