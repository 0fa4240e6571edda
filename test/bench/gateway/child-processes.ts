/**
 * Child processes of a benchmark: servers under test run in their own processes, the load
 * generator in the benchmark's. Every child is registered in a group that kills it when the
 * benchmark ends, fails, or is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { sleep } from '../support/bench-stats';

export class Child {
  private readonly output: string[] = [];

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
  ) {
    const collect = (chunk: Buffer): void => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 400) this.output.splice(0, 100);
    };
    process.stdout?.on('data', collect);
    process.stderr?.on('data', collect);
  }

  get pid(): number {
    const pid = this.process.pid;
    if (pid === undefined) throw new Error(`${this.name} has no pid (it did not start)`);
    return pid;
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  logs(): string {
    return this.output.join('');
  }

  /** SIGTERM (or `signal`), then SIGKILL after `killAfterMs`; resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 10_000): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.kill(signal);
    const timer = setTimeout(() => this.process.kill('SIGKILL'), killAfterMs);
    await exited;
    clearTimeout(timer);
  }
}

export class ChildGroup {
  private readonly children = new Set<Child>();
  private cleanupInstalled = false;

  /** Starts `node <nodeArgs...> <script> <args...>`. */
  spawnNode(name: string, nodeArgs: string[], env: NodeJS.ProcessEnv): Child {
    this.installCleanup();
    const child = new Child(name, spawn(process.execPath, nodeArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.children.add(child);
    child.process.once('exit', () => this.children.delete(child));
    return child;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => child.stop()));
  }

  /** Kills what is left on exit, interruption and crashes; once per group. */
  private installCleanup(): void {
    if (this.cleanupInstalled) return;
    this.cleanupInstalled = true;
    process.once('exit', () => {
      for (const child of this.children) if (child.alive) child.process.kill('SIGKILL');
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: stopping child processes`);
        void this.stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
      });
    }
  }
}

/** Polls until `ready()` resolves true; fails with the child's log if it died or time ran out. */
export async function waitUntil(what: string, child: Child, ready: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!child.alive) throw new Error(`${child.name} exited before ${what}:\n${child.logs()}`);
    if (await ready().catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`${child.name}: ${what} did not happen within ${timeoutMs} ms:\n${child.logs()}`);
}
