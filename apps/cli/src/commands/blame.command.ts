/** `dsp blame <path> [--ref main]`: the commit that last changed each line of a file. */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import { CliError } from '../errors/cli.error';
import { formatBlame } from '../output/blame-format.util';

export function registerBlameCommand(program: Command, context: CliContext): void {
  program
    .command('blame')
    .description('show which commit last changed each line of a file')
    .argument('<path>', 'file path in the repository, e.g. lib/util.js')
    .option('--ref <branch>', 'branch to blame (default: the config branch, else main)')
    .action(async (path: string, options: { ref?: string }) => {
      const file = path.replace(/^(\.\/|\/)+/, '');
      if (!file) throw new CliError(`'${path}' is not a file path`);
      const { client, repo, settings } = await context.connect();
      const blame = await client.blame(repo, file, options.ref ?? settings.branch);
      context.emit(blame, formatBlame(blame));
    });
}
