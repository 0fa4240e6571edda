/** `dsp revert <rev>`: a new commit on a branch that undoes an earlier one (git revert). */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import type { CreatedCommit, RevertRequest } from '../control-api.type';
import { ControlApiError } from '../control-client';
import { CliError } from '../errors/cli.error';
import { shortSha, statusLetter } from '../output/commit-format.util';
import { conflictsFromDetails, formatConflicts } from '../output/conflict-format.util';
import { parsePositiveInteger } from './log.command';

interface RevertOptions {
  branch?: string;
  mainline?: number;
  message?: string;
  author?: string;
}

export function registerRevertCommand(program: Command, context: CliContext): void {
  program
    .command('revert')
    .description('commit the undoing of an earlier commit on a branch')
    .argument('<rev>', 'the commit to undo (id, prefix, tag, main~2)')
    .option('-b, --branch <branch>', 'branch to commit the revert to (default: the config branch, else main)')
    .option('--mainline <n>', 'for a merge commit: the parent whose side to keep (1 = the branch merged into)', parsePositiveInteger)
    .option('-m, --message <message>', 'commit message (default: the server\'s "Revert ...")')
    .option('--author <author>', 'commit author as "Name <email>" (default: DSP_AUTHOR_NAME/EMAIL, git config, OS user)')
    .addHelpText('after', '\nExits 4 when the revert conflicts with later changes (nothing is written).')
    .action((rev: string, options: RevertOptions) => runRevert(context, rev, options));
}

async function runRevert(context: CliContext, rev: string, options: RevertOptions): Promise<void> {
  if (options.message !== undefined && !options.message.trim()) throw new CliError('the commit message (-m) is empty');
  const { client, repo, settings } = await context.connect();
  const branch = options.branch ?? settings.branch;
  const request: RevertRequest = {
    commit: rev,
    branch,
    author: context.author(options.author, settings.root ?? context.io.cwd),
  };
  if (options.mainline !== undefined) request.mainline = options.mainline;
  if (options.message !== undefined) request.message = options.message;

  let created: CreatedCommit;
  try {
    created = await client.revert(repo, request);
  } catch (error) {
    throw explainRevertError(context, error, rev, branch);
  }
  const subject = options.message?.split('\n', 1)[0] ?? `Revert ${rev}`;
  context.emit(created, [
    `[${created.branch} ${shortSha(created.commit)}] ${subject}`,
    ...created.changes.map((change) => ` ${statusLetter(change.status)} ${change.path}`),
  ]);
}

/** Prints the conflicts of a 409, and says in CLI terms what a merge commit needs; returns the error to throw. */
function explainRevertError(context: CliContext, error: unknown, rev: string, branch: string): unknown {
  if (!(error instanceof ControlApiError)) return error;
  if (error.code === 'revert-conflict' && !context.json) {
    // The revert applies "parent of <rev>" onto the branch, with <rev> itself as the base.
    const lines = formatConflicts(conflictsFromDetails(error.details), { ours: branch, base: rev, theirs: `parent of ${rev}` });
    if (lines.length > 0) context.io.writeOut(`${lines.join('\n')}\n`);
  }
  if (error.code === 'mainline-required') {
    return new ControlApiError(
      error.status,
      error.code,
      `${rev} is a merge commit: say which side to keep with --mainline 1 (its first parent, the branch it was merged into) ` +
        'or --mainline 2 (its second parent, the branch that was merged)',
      error.details,
    );
  }
  return error;
}
