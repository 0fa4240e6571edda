/**
 * `dsp diff <from> <to>` or `dsp diff <from>..<to>`: the server's git-format unified diff;
 * `--stat` for per-file line counts, `--endpoints` for what changed in the declared endpoints.
 */
import { Option, type Command } from 'commander';
import type { CliContext } from '../cli.context';
import type { Endpoint, EndpointDiff } from '../control-api.type';
import { CliError } from '../errors/cli.error';
import { formatDiffStat } from '../output/diff-stat.util';

interface DiffOptions {
  stat?: boolean;
  endpoints?: boolean;
}

export function registerDiffCommand(program: Command, context: CliContext): void {
  program
    .command('diff')
    .description('show the unified diff between two revisions (or a --stat, or the --endpoints that changed)')
    .argument('<from>', 'revision, or a range <from>..<to>')
    .argument('[to]', 'revision')
    .addOption(new Option('--stat', 'per-file line counts and a summary, like git diff --stat').conflicts('endpoints'))
    .addOption(new Option('--endpoints', 'endpoints added (+), removed (-) and changed (~) in dsp.json'))
    .action((from: string, to: string | undefined, options: DiffOptions) => runDiff(context, from, to, options));
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

async function runDiff(context: CliContext, first: string, second: string | undefined, options: DiffOptions): Promise<void> {
  const { from, to } = parseDiffRange(first, second);
  const { client, repo } = await context.connect();

  if (options.stat) {
    const diff = await client.diffFiles(repo, from, to);
    context.emit({ from, to, ...diff }, formatDiffStat(diff.files));
    return;
  }
  if (options.endpoints) {
    const diff = await client.diffEndpoints(repo, from, to);
    const lines = formatEndpointDiff(diff);
    context.emit({ from, to, ...diff }, lines.length === 0 ? [`No endpoint changes between ${from} and ${to}.`] : lines);
    return;
  }
  const diff = await client.diff(repo, from, to);
  if (context.json) context.emit({ from, to, diff }, []);
  else context.io.writeOut(diff);
}

/** `+ GET /x (x.js)`, `- GET /y (y.js)`, `~ GET /z: script, timeoutMs`. */
export function formatEndpointDiff(diff: EndpointDiff): string[] {
  const route = (endpoint: Pick<Endpoint, 'method' | 'path'>) => `${endpoint.method} ${endpoint.path}`;
  return [
    ...diff.added.map((endpoint) => `+ ${route(endpoint)} (${endpoint.script})`),
    ...diff.removed.map((endpoint) => `- ${route(endpoint)} (${endpoint.script})`),
    ...diff.changed.map((change) => `~ ${route(change)}: ${change.changes.join(', ')}`),
  ];
}
