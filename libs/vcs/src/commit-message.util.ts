/**
 * git's `--cleanup=whitespace` (the default for `git commit -m`), so ids match the git client.
 * "Whitespace" is git's own: space, tab, CR and LF only (not Unicode spaces, not \v or \f).
 */
export function cleanupMessage(message: string): string {
  const lines = message.split('\n').map((line) => line.replace(/[ \t\r]+$/, ''));
  const kept: string[] = [];
  for (const line of lines) {
    if (line === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(line);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
