/** The `dsp` command line: commander wiring, and one place that turns failures into exit codes. */
import { Command, CommanderError } from 'commander';
import { CliContext, type GlobalOptions } from './cli.context';
import type { CliIo } from './cli-io.type';
import { registerBlameCommand } from './commands/blame.command';
import { registerBranchCommand } from './commands/branch.command';
import { registerDeploymentCommands } from './commands/deployment.command';
import { registerDiffCommand } from './commands/diff.command';
import { registerEndpointsCommand } from './commands/endpoints.command';
import { registerInitCommand } from './commands/init.command';
import { registerInsightCommand } from './commands/insight.command';
import { registerLogCommand } from './commands/log.command';
import { registerMergeCommand } from './commands/merge.command';
import { registerPushCommand } from './commands/push.command';
import { registerRepoCommand } from './commands/repo.command';
import { registerRevertCommand } from './commands/revert.command';
import { registerShowCommand } from './commands/show.command';
import { registerTagCommand } from './commands/tag.command';
import { reportError } from './errors/error-report.util';
import { ExitCode } from './exit-code.constant';

export function buildProgram(io: CliIo): { program: Command; context: CliContext } {
  const program = new Command('dsp');
  const context = new CliContext(io, () => program.opts<GlobalOptions>());

  program
    .description('DSP command line: commit scripts, branch and merge, read history, diffs and endpoints, roll back production')
    .option('--server <url>', 'control server URL (env DSP_URL, else .dsp/config.json, else http://127.0.0.1:7070)')
    .option('--token <token>', 'API token (env DSP_TOKEN, else .dsp/config.json)')
    .option('--repo <name>', 'repository (env DSP_REPO, else .dsp/config.json)')
    .option('--json', 'print exactly one JSON document on stdout')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 usage or local error, 2 refused by the server (4xx), 3 server unreachable or 5xx, 4 conflict (409).',
    )
    // Set before the subcommands are added: `.command()` copies them to each one.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.writeOut(text),
      writeErr: (text) => io.writeErr(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'dsp: ')),
    });

  registerInitCommand(program, context);
  registerRepoCommand(program, context);
  registerPushCommand(program, context);
  registerLogCommand(program, context);
  registerShowCommand(program, context);
  registerDiffCommand(program, context);
  registerEndpointsCommand(program, context);
  registerBlameCommand(program, context);
  registerBranchCommand(program, context);
  registerTagCommand(program, context);
  registerMergeCommand(program, context);
  registerRevertCommand(program, context);
  registerDeploymentCommands(program, context);
  registerInsightCommand(program, context);
  return { program, context };
}

/** Runs one `dsp` invocation (arguments without `node` and the script) and returns its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { program, context } = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.Ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed the message (or the help/version text).
      if (error.exitCode !== 0 && argv.includes('--json')) {
        const message = error.message.replace(/^error: /, '');
        io.writeOut(`${JSON.stringify({ error: { code: 'usage', message } }, null, 2)}\n`);
      }
      return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const report = reportError(error);
    if (context.json && report.json) io.writeOut(`${JSON.stringify(report.json, null, 2)}\n`);
    io.writeErr(report.lines.map((line) => `${line}\n`).join(''));
    return report.exitCode;
  }
}
