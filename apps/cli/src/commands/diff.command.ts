/** `dsp diff <from> <to>` or `dsp diff <from>..<to>`: the server's git-format unified diff. */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import { CliError } from '../errors/cli.error';

export function registerDiffCommand(program: Command, context: CliContext): void {
  program
    .command('diff')
    .description('show the unified diff between two revisions')
    .argument('<from>', 'revision, or a range <from>..<to>')
    .argument('[to]', 'revision')
    .action((from: string, to: string | undefined) => runDiff(context, from, to));
}

export function parseDiffRange(first: string, second: string | undefined): { from: string; to: string } {
  if (first.includes('...')) throw new CliError(`'${first}': three-dot ranges are not supported; use <from>..<to>`);
  const dots = first.indexOf('..');
  if (second !== undefined) {
    if (dots !== -1) throw new CliError(`give either '<from>..<to>' or two revisions, not both`);
    return { from: first, to: second };
  }
  const from = dots === -1 ? '' : first.slice(0, dots);
  const to = dots === -1 ? '' : first.slice(dots + 2);
  if (!from || !to) throw new CliError(`dsp diff needs two revisions: dsp diff <from> <to> or dsp diff <from>..<to>`);
  return { from, to };
}

async function runDiff(context: CliContext, first: string, second: string | undefined): Promise<void> {
  const { from, to } = parseDiffRange(first, second);
  const { client, repo } = await context.connect();
  const diff = await client.diff(repo, from, to);
  if (context.json) context.emit({ from, to, diff }, []);
  else context.io.writeOut(diff);
}
