/** `dsp repo create <name>` and `dsp repo list`. */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import { formatTable } from '../output/table.util';

export function registerRepoCommand(program: Command, context: CliContext): void {
  const repo = program.command('repo').description('create and list repositories');

  repo
    .command('create')
    .description('create a repository on the server')
    .argument('<name>', 'repository name')
    .action(async (name: string) => {
      const settings = await context.settings();
      const created = await context.client(settings).createRepository(name);
      context.emit(created, [`Created repository ${created.name}`]);
    });

  repo
    .command('list')
    .description('list the repositories on the server')
    .action(async () => {
      const settings = await context.settings();
      const list = await context.client(settings).listRepositories();
      const rows = list.repositories.map((repository) => [repository.name, repository.createdAt]);
      context.emit(list, rows.length === 0 ? ['No repositories.'] : formatTable(['NAME', 'CREATED'], rows));
    });
}
