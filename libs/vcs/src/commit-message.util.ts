/** git's `--cleanup=whitespace` (the default for `git commit -m`), so ids match the git client. */
export function cleanupMessage(message: string): string {
  const lines = message.replace(/\r\n/g, '\n').split('\n').map((line) => line.trimEnd());
  const kept: string[] = [];
  for (const line of lines) {
    if (line === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(line);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
