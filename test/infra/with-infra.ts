/**
 * Runs a command with fresh test infrastructure around it:
 *
 *   tsx test/infra/with-infra.ts <command> [args...]      e.g. `... vitest run --project int`
 *
 * Starts Kafka and Cassandra (unless DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS are both
 * set), runs the command with those two variables in its environment, stops the servers again
 * if it started them (also on failure and on SIGINT/SIGTERM), and exits with the command's code.
 * The servers run in their own session (a terminal Ctrl-C does not reach them), hence the cleanup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { infraDown, infraUp, type InfraEndpoints } from './infra';

const ROOT = resolve(__dirname, '..', '..');

function log(message: string): void {
  console.log(`[with-infra] ${message}`);
}

/** The shell convention for "terminated by signal N". */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}

/** Puts node_modules/.bin first on PATH, so `vitest` works as it does in an npm script. */
function commandEnv(endpoints: InfraEndpoints): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
    DSP_KAFKA_BROKERS: endpoints.kafkaBrokers,
    DSP_CASSANDRA_CONTACT_POINTS: endpoints.cassandraContactPoints,
  };
}

function runCommand(child: ChildProcess, command: string): Promise<number> {
  return new Promise((done) => {
    child.once('error', (error) => {
      console.error(`[with-infra] cannot run ${command}: ${error.message}`);
      done(127);
    });
    child.once('exit', (code, signal) => done(signal === null ? (code ?? 1) : signalExitCode(signal)));
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined) {
    console.error('usage: tsx test/infra/with-infra.ts <command> [args...]');
    return 2;
  }

  let child: ChildProcess | undefined;
  let interrupted: NodeJS.Signals | undefined;
  let stopping: Promise<void> | undefined;
  const external = Boolean(process.env.DSP_KAFKA_BROKERS && process.env.DSP_CASSANDRA_CONTACT_POINTS);

  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = signal;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      // The command decides how to wind down; its exit then runs the normal cleanup below.
      child.kill(signal);
    } else if (!external && stopping === undefined) {
      // Still starting: stop what is already running. infraUp() then sees its servers die and
      // stops whatever else it launched; a later signal stops anything launched since.
      // (One Ctrl-C often arrives twice: from the terminal and relayed by tsx.)
      log(`${signal} while starting infrastructure: stopping it`);
      stopping = infraDown().finally(() => (stopping = undefined));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const started = Date.now();
  let endpoints: InfraEndpoints;
  try {
    endpoints = await infraUp({ fresh: true });
  } catch (error) {
    console.error(`[with-infra] ${error instanceof Error ? error.message : String(error)}`);
    return interrupted === undefined ? 1 : signalExitCode(interrupted);
  }
  log(`infrastructure ${endpoints.startedByUs ? 'started' : 'provided'} in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  try {
    if (interrupted !== undefined) return signalExitCode(interrupted);
    log(`running: ${[command, ...args].join(' ')}`);
    child = spawn(command, args, { cwd: process.cwd(), env: commandEnv(endpoints), stdio: 'inherit', shell: false });
    const code = await runCommand(child, command);
    log(`${command} exited with ${code}`);
    return code;
  } finally {
    if (endpoints.startedByUs) await infraDown();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[with-infra] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
