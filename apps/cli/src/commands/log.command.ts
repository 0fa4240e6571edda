/** `dsp log [--ref main] [--path <file>] [-n 20]`: newest commits first, one line each. */
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../cli.context';
import type { CommitSummary } from '../control-api.type';
import { firstLine, formatIdentityDate, shortSha } from '../output/commit-format.util';

/** Commits asked for per request; more pages are fetched until -n is reached. */
const PAGE_SIZE = 50;

interface LogOptions {
  ref?: string;
  path?: string;
  maxCount: number;
}

export function registerLogCommand(program: Command, context: CliContext): void {
  program
    .command('log')
    .description('show the commit history of a branch or revision')
    .option('--ref <ref>', 'branch, tag or commit to start from (default: the config branch, else main)')
    .option('--path <file>', 'only commits that changed this file')
    .option('-n, --max-count <n>', 'how many commits to show', parsePositiveInteger, 20)
    .action((options: LogOptions) => runLog(context, options));
}

export function parsePositiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidArgumentError('expected a positive whole number');
  }
  return number;
}

async function runLog(context: CliContext, options: LogOptions): Promise<void> {
  const { client, repo, settings } = await context.connect();
  const ref = options.ref ?? settings.branch;
  const path = options.path?.replace(/^(\.\/|\/)+/, '') || undefined;
  const commits: CommitSummary[] = [];
  let cursor: string | undefined;
  while (commits.length < options.maxCount) {
    const limit = Math.min(options.maxCount - commits.length, PAGE_SIZE);
    const page = await client.listCommits(repo, { ref, limit, cursor, path });
    commits.push(...page.commits.slice(0, limit));
    // An empty page with a cursor would loop forever; treat it as the end.
    if (!page.next || page.commits.length === 0) break;
    cursor = page.next;
  }

  context.emit(
    path === undefined ? { ref, commits } : { ref, path, commits },
    commits.length === 0
      ? [path === undefined ? `No commits on ${ref} yet.` : `No commits on ${ref} change ${path}.`]
      : commits.map(
          (commit) =>
            `${shortSha(commit.commit)} ${formatIdentityDate(commit.author, false)} ${commit.author.name} ${firstLine(commit.message)}`,
        ),
  );
}
