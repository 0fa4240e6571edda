/** `dsp endpoints [--ref main]`: the endpoints a revision's manifest declares. */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import { formatTable } from '../output/table.util';

export function registerEndpointsCommand(program: Command, context: CliContext): void {
  program
    .command('endpoints')
    .description('list the endpoints declared at a revision')
    .option('--ref <ref>', 'branch, tag or commit (default: the config branch, else main)')
    .action(async (options: { ref?: string }) => {
      const { client, repo, settings } = await context.connect();
      const ref = options.ref ?? settings.branch;
      const list = await client.listEndpoints(repo, ref);
      const rows = list.endpoints.map((endpoint) => [endpoint.method, endpoint.path, endpoint.script]);
      context.emit(list, rows.length === 0 ? [`No endpoints at ${ref}.`] : formatTable(['METHOD', 'PATH', 'SCRIPT'], rows));
    });
}
