/**
 * What production serves: `dsp rollback <rev>`, `dsp rollforward`, `dsp deployments`.
 * A rollback pins production to an older commit of main without a new commit; rolling forward
 * follows main's head again (or pins a newer commit with --to).
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import type { DeploymentChange, DeploymentRecord, DeploymentStatus } from '../control-api.type';
import { CliError } from '../errors/cli.error';
import { shortSha } from '../output/commit-format.util';
import { formatTable } from '../output/table.util';
import { parsePositiveInteger } from './log.command';

export function registerDeploymentCommands(program: Command, context: CliContext): void {
  program
    .command('rollback')
    .description('serve an older commit of main right away (no new commit); production stays pinned to it')
    .argument('<rev>', 'commit of main to serve, e.g. main~1 or 1a2b3c4')
    .requiredOption('--reason <why>', 'why, for the deployment history')
    .action(async (rev: string, options: { reason: string }) => {
      const reason = requireReason(options.reason);
      const { client, repo } = await context.connect();
      const change = await client.rollback(repo, rev, reason);
      context.emit(change, [`Rolled back: production serves ${describeChange(change)}`]);
    });

  program
    .command('rollforward')
    .description('after a rollback: serve the head of main again (or pin a newer commit with --to)')
    .requiredOption('--reason <why>', 'why, for the deployment history')
    .option('--to <rev>', 'pin this commit of main instead of following its head')
    .action(async (options: { reason: string; to?: string }) => {
      const reason = requireReason(options.reason);
      const { client, repo } = await context.connect();
      const change = await client.rollForward(repo, reason, options.to);
      context.emit(change, [`Rolled forward: production serves ${describeChange(change)}`]);
    });

  program
    .command('deployments')
    .description('what production serves, whether it is pinned, and the deployment history (newest first)')
    .option('-n, --max-count <n>', 'how many history records to show', parsePositiveInteger, 20)
    .action(async (options: { maxCount: number }) => {
      const { client, repo } = await context.connect();
      const status = await client.getDeployment(repo);
      const shown: DeploymentStatus = { ...status, history: status.history.slice(0, options.maxCount) };
      context.emit(shown, [servingLine(status), ...historyLines(shown.history)]);
    });
}

function requireReason(reason: string): string {
  if (!reason.trim()) throw new CliError('the reason (--reason) is empty');
  return reason;
}

function describeChange(change: DeploymentChange): string {
  const serving = change.serving ? shortSha(change.serving) : 'nothing';
  const previous = change.previous ? ` (was ${shortSha(change.previous)})` : '';
  const mode = change.pinned ? 'pinned until dsp rollforward' : 'following main again';
  return `${serving}${previous}, ${mode}`;
}

function servingLine(status: DeploymentStatus): string {
  if (!status.serving) return 'Serving: nothing yet (main has no commits)';
  return status.pinned
    ? `Serving: ${shortSha(status.serving)} (pinned by a rollback; dsp rollforward to follow main again)`
    : `Serving: ${shortSha(status.serving)} (follows main)`;
}

function historyLines(history: readonly DeploymentRecord[]): string[] {
  if (history.length === 0) return [];
  const rows = history.map((record) => [
    record.at.replace(/\.\d+Z$/, 'Z'),
    record.kind,
    record.from ? shortSha(record.from) : '-',
    shortSha(record.to),
    record.actor,
    record.reason.split('\n', 1)[0] ?? '',
  ]);
  return ['', ...formatTable(['AT', 'KIND', 'FROM', 'TO', 'ACTOR', 'REASON'], rows)];
}
