/** `dsp branch` (list), `dsp branch create|delete|protect|unprotect <name>`. */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import type { BranchSummary } from '../control-api.type';
import { ControlApiError } from '../control-client';
import { CliError } from '../errors/cli.error';
import { shortSha } from '../output/commit-format.util';
import { formatTable } from '../output/table.util';

/** Where new branches start and what ahead/behind is counted against. */
const MAIN = 'main';

export function registerBranchCommand(program: Command, context: CliContext): void {
  const branch = program
    .command('branch')
    .description('list branches (ahead/behind main, protection); create, delete and protect them')
    // Without this, a typo like `dsp branch craete x` would only say "too many arguments".
    .allowExcessArguments()
    .action((_options: unknown, command: Command) => {
      const [unknown] = command.args;
      if (unknown !== undefined) throw new CliError(`unknown command 'branch ${unknown}' (see dsp branch --help)`);
      return listBranches(context);
    });

  branch
    .command('list')
    .description('list branches (the same as dsp branch)')
    .action(() => listBranches(context));

  branch
    .command('create')
    .description('create a branch at a revision')
    .argument('<name>', 'branch name, e.g. feature/new-row')
    .option('--from <rev>', 'branch, tag or commit to start at', MAIN)
    .action(async (name: string, options: { from: string }) => {
      const { client, repo } = await context.connect();
      const created = await client.createBranch(repo, name, options.from);
      const at = created.commit ? ` at ${shortSha(created.commit)}` : '';
      context.emit(created, [`Created branch ${created.name}${at} (from ${options.from})`]);
    });

  branch
    .command('delete')
    .description('delete a branch (not main, not a protected one)')
    .argument('<name>', 'branch name')
    .action(async (name: string) => {
      const { client, repo } = await context.connect();
      try {
        await client.deleteBranch(repo, name);
      } catch (error) {
        if (error instanceof ControlApiError && error.code === 'branch-protected' && name !== MAIN) {
          throw new ControlApiError(error.status, error.code, `${error.message} (dsp branch unprotect ${name})`, error.details);
        }
        throw error;
      }
      context.emit({ name, deleted: true }, [`Deleted branch ${name}`]);
    });

  branch
    .command('protect')
    .description('let only merges move a branch (no direct pushes, no deletion)')
    .argument('<name>', 'branch name')
    .action((name: string) => setProtection(context, name, true));

  branch
    .command('unprotect')
    .description('allow direct pushes to a branch again')
    .argument('<name>', 'branch name')
    .action((name: string) => setProtection(context, name, false));
}

async function listBranches(context: CliContext): Promise<void> {
  const { client, repo } = await context.connect();
  const list = await client.listBranches(repo);
  const rows = list.branches.map((branch) => [
    branch.name,
    shortSha(branch.commit),
    aheadBehind(branch),
    branch.requireMerge ? 'yes' : 'no',
  ]);
  context.emit(list, rows.length === 0 ? ['No branches yet.'] : formatTable(['NAME', 'HEAD', 'AHEAD/BEHIND', 'PROTECTED'], rows));
}

function aheadBehind(branch: BranchSummary): string {
  return branch.name === MAIN ? '-' : `${branch.ahead}/${branch.behind}`;
}

async function setProtection(context: CliContext, name: string, requireMerge: boolean): Promise<void> {
  const { client, repo } = await context.connect();
  const protection = await client.setProtection(repo, name, requireMerge);
  context.emit(protection, [
    protection.requireMerge
      ? `Protected branch ${protection.name}: only merges may move it`
      : `Unprotected branch ${protection.name}: direct pushes are allowed`,
  ]);
}
