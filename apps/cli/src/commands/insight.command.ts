/**
 * `dsp insight [repo] [--commit <id>] [--endpoint <endpoint>]`: the backend calls the repository's
 * scripts make, per endpoint and commit, summed over all gateway nodes.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import type { BackendCallSummary } from '../control-api.type';
import { CliError } from '../errors/cli.error';
import { shortSha } from '../output/commit-format.util';
import { formatTable } from '../output/table.util';

interface InsightOptions {
  commit?: string;
  endpoint?: string;
}

export function registerInsightCommand(program: Command, context: CliContext): void {
  program
    .command('insight')
    .description('backend calls made by the scripts, per endpoint and commit: services, calls, failures, mean and max time, over all gateways')
    .argument('[repo]', 'repository (default: --repo, DSP_REPO or .dsp/config.json)')
    .option('--commit <id>', 'only this commit (a prefix of at least 4 hex digits is enough)')
    .option('--endpoint <endpoint>', "only this endpoint, e.g. 'GET /tv/titles/:id'")
    .action(async (repoArgument: string | undefined, options: InsightOptions) => {
      const settings = await context.settings();
      const repo = repoArgument ?? settings.repo;
      if (!repo) throw new CliError('no repository given: dsp insight <repo>, or --repo <name>, DSP_REPO, or a folder made by dsp init');
      const insight = await context.client(settings).getInsight(repo, { commit: options.commit, endpoint: options.endpoint });
      context.emit(insight, insight.calls.length === 0 ? [`No backend calls recorded for ${repo} yet (gateways report every few seconds).`] : table(insight.calls));
    });
}

function table(calls: readonly BackendCallSummary[]): string[] {
  const rows = calls.map((c) => [c.endpoint, shortSha(c.commit), c.service, c.method, String(c.calls), String(c.failures), ms(c.meanMs), ms(c.maxMs), String(c.nodes)]);
  return formatTable(['ENDPOINT', 'COMMIT', 'SERVICE', 'METHOD', 'CALLS', 'FAILED', 'MEAN MS', 'MAX MS', 'NODES'], rows);
}

function ms(value: number): string {
  return value.toFixed(1);
}
