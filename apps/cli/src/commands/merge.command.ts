/**
 * `dsp merge <source> [--into main]`: fast-forward or merge commit on the server. Conflicts are
 * printed like git leaves them in the files, and exit 4 (also when a --dry-run reports them).
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import type { FileConflict, MergeRequest, MergeResult } from '../control-api.type';
import { ControlApiError } from '../control-client';
import { CliError } from '../errors/cli.error';
import { OutcomeError } from '../errors/outcome.error';
import { ExitCode } from '../exit-code.constant';
import { shortSha } from '../output/commit-format.util';
import { conflictsFromDetails, formatConflicts } from '../output/conflict-format.util';

interface MergeOptions {
  into: string;
  message?: string;
  dryRun?: boolean;
  /** `--no-ff` sets it to false. */
  ff: boolean;
  author?: string;
}

export function registerMergeCommand(program: Command, context: CliContext): void {
  program
    .command('merge')
    .description('merge a branch (or any revision) into another: fast-forward when possible, else a merge commit')
    .argument('<source>', 'what to merge, usually a branch')
    .option('--into <branch>', 'branch to merge into', 'main')
    .option('-m, --message <message>', 'message of the merge commit (default: the server\'s "Merge ... into ...")')
    .option('--dry-run', 'only tell what the merge would do, and whether it conflicts; writes nothing')
    .option('--no-ff', 'create a merge commit even when a fast-forward is possible')
    .option('--author <author>', 'merge commit author as "Name <email>" (default: DSP_AUTHOR_NAME/EMAIL, git config, OS user)')
    .addHelpText('after', '\nExits 4 when the merge conflicts (nothing is written), including for --dry-run.')
    .action((source: string, options: MergeOptions) => runMerge(context, source, options));
}

async function runMerge(context: CliContext, source: string, options: MergeOptions): Promise<void> {
  if (options.message !== undefined && !options.message.trim()) throw new CliError('the merge message (-m) is empty');
  const { client, repo, settings } = await context.connect();
  const request: MergeRequest = {
    source,
    target: options.into,
    author: context.author(options.author, settings.root ?? context.io.cwd),
  };
  if (options.message !== undefined) request.message = options.message;
  if (options.dryRun) request.dryRun = true;
  if (!options.ff) request.noFastForward = true;

  let result: MergeResult;
  try {
    result = await client.merge(repo, request);
  } catch (error) {
    if (!context.json && error instanceof ControlApiError && error.code === 'merge-conflict') {
      printConflicts(context, conflictsFromDetails(error.details), source, options.into);
    }
    throw error;
  }

  if (result.result === 'conflict') {
    if (context.json) context.emit(result, []);
    else {
      printConflicts(context, result.conflicts, source, result.target);
      const paths = result.conflicts.map((conflict) => conflict.path).join(', ');
      context.io.writeOut(
        result.dryRun
          ? `Merging ${source} into ${result.target} would conflict in ${paths} (dry run; nothing written)\n`
          : `Merging ${source} into ${result.target} conflicts in ${paths}; nothing was written\n`,
      );
    }
    throw new OutcomeError(ExitCode.Conflict, 'the merge would conflict');
  }
  context.emit(result, [describeMerge(result, source)]);
}

function printConflicts(context: CliContext, conflicts: readonly FileConflict[], source: string, target: string): void {
  const lines = formatConflicts(conflicts, { ours: target, base: 'base', theirs: source });
  if (lines.length > 0) context.io.writeOut(`${lines.join('\n')}\n`);
}

function describeMerge(result: MergeResult, source: string): string {
  const at = result.commit ? ` ${shortSha(result.commit)}` : '';
  if (result.result === 'up-to-date') return `Already up to date: ${result.target}${at} already contains ${source}`;
  if (result.dryRun) {
    return result.result === 'fast-forward'
      ? `Would fast-forward ${result.target} to${at} (dry run; nothing written)`
      : `Would merge ${source} into ${result.target} with a merge commit (dry run; nothing written)`;
  }
  return result.result === 'fast-forward'
    ? `Fast-forwarded ${result.target} to${at} (${source})`
    : `Merged ${source} into ${result.target}:${at}`;
}
