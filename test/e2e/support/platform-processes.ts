/**
 * Starts the platform's apps as separate OS processes (built JS in dist/), against the real Kafka
 * and Cassandra named by DSP_KAFKA_BROKERS / DSP_CASSANDRA_CONTACT_POINTS, each test file in its
 * own keyspace and Kafka namespace.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ControlApi } from './control-api';

const ROOT = join(__dirname, '..', '..', '..');

export interface PlatformEnvironment {
  env: NodeJS.ProcessEnv;
  token: string;
}

export function distributedEnvironment(): PlatformEnvironment {
  const brokers = process.env.DSP_KAFKA_BROKERS;
  const contactPoints = process.env.DSP_CASSANDRA_CONTACT_POINTS;
  if (!brokers || !contactPoints) {
    throw new Error('e2e tests need real Kafka and Cassandra: run them through `npm test` (which starts both) or set DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS');
  }
  const id = randomBytes(4).toString('hex');
  const token = `e2e-${randomBytes(12).toString('hex')}`;
  return {
    token,
    env: {
      ...process.env,
      DSP_KAFKA_BROKERS: brokers,
      DSP_CASSANDRA_CONTACT_POINTS: contactPoints,
      DSP_CASSANDRA_KEYSPACE: `e2e_${id}`,
      DSP_KAFKA_NAMESPACE: `e2e-${id}.`,
      DSP_KAFKA_PARTITIONS: '3',
      DSP_ADMIN_TOKEN: token,
      DSP_LOG_LEVEL: 'warn',
      // One worker per gateway keeps the suite light; the crash test asks for two.
      DSP_GATEWAY_WORKERS: '1',
      // Gateways store their backend insight often, so the control API's sum catches up quickly.
      DSP_GATEWAY_INSIGHT_FLUSH_MS: '200',
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export class AppProcess {
  private child: ChildProcess | null = null;
  private output: string[] = [];

  constructor(
    readonly app: 'control' | 'projector' | 'gateway',
    private readonly env: NodeJS.ProcessEnv,
    private readonly args: string[] = [],
  ) {}

  start(): this {
    this.output = [];
    const child = spawn(process.execPath, ['--no-node-snapshot', join(ROOT, 'dist', 'apps', this.app, 'main.js'), ...this.args], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 400) this.output.splice(0, 100);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.child = child;
    return this;
  }

  /** Resolves with the exit code (for one-shot commands such as the projector's --replay). */
  exited(): Promise<number> {
    const child = this.child;
    if (!child) return Promise.resolve(0);
    if (child.exitCode !== null) return Promise.resolve(child.exitCode);
    return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  logs(): string {
    return this.output.join('');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}

/** Polls `url` until it answers 2xx; fails with the process log if the process died or time ran out. */
export async function waitForHttp(url: string, process: AppProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!process.alive) throw new Error(`${process.app} exited before it was ready:\n${process.logs()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${process.app} not ready at ${url} after ${timeoutMs} ms:\n${process.logs()}`);
}

export interface RunningPlatform {
  api: ControlApi;
  gateways: { process: AppProcess; url: string }[];
  /** Every process started, control first; tests may add their own to be stopped with them. */
  processes: AppProcess[];
  stop(): Promise<void>;
}

/**
 * Control, projector and `gateways` gateways as processes, each answering before the next starts
 * (control first: it creates the keyspace and the topics). `gatewayEnv` is added to the gateways'.
 */
export async function startPlatform(platform: PlatformEnvironment, options: { gateways: number; gatewayEnv?: NodeJS.ProcessEnv }): Promise<RunningPlatform> {
  const { env, token } = platform;
  const processes: AppProcess[] = [];
  const gateways: RunningPlatform['gateways'] = [];
  const controlPort = await freePort();
  const control = new AppProcess('control', { ...env, DSP_CONTROL_PORT: String(controlPort) }).start();
  processes.push(control);
  await waitForHttp(`http://127.0.0.1:${controlPort}/healthz`, control);
  processes.push(new AppProcess('projector', { ...env, DSP_PROJECTOR_PORT: String(await freePort()) }).start());
  for (let i = 0; i < options.gateways; i++) {
    const port = await freePort();
    const gateway = new AppProcess('gateway', { ...env, ...options.gatewayEnv, DSP_GATEWAY_PORT: String(port) }).start();
    processes.push(gateway);
    gateways.push({ process: gateway, url: `http://127.0.0.1:${port}` });
    await waitForHttp(`http://127.0.0.1:${port}/_dsp/health`, gateway);
  }
  return { api: new ControlApi(`http://127.0.0.1:${controlPort}`, token), gateways, processes, stop: async () => void (await Promise.all(processes.map((p) => p.stop()))) };
}
