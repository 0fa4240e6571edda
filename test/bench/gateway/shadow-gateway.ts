/**
 * For `bench:propagation --breakdown`: a bystander that repeats, in the benchmark's process, what a
 * gateway does when a registry change arrives (LiveRegistry.onChange: read the entry, read the
 * script blobs, compile an isolate, first run evaluates the module), timing each step. It uses the
 * built code (dist/) against the same Cassandra keyspace. It adds one gateway's worth of work per
 * commit to the machine, so it is off by default.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { median, quantile, fixed } from '../support/bench-stats';

type Store = typeof import('../../../libs/store/src');
type Config = typeof import('../../../libs/config/src');
type Runtime = typeof import('../../../libs/runtime/src');
type StorageEngines = Awaited<ReturnType<Store['openStorage']>>;

const DIST = join(__dirname, '..', '..', '..', 'dist', 'libs');
const store = require(join(DIST, 'store', 'src', 'index.js')) as Store;
const config = require(join(DIST, 'config', 'src', 'index.js')) as Config;
const runtime = require(join(DIST, 'runtime', 'src', 'index.js')) as Runtime;

const STEPS = ['read registry entry', 'read script blobs', 'compile isolate', 'first run (module evaluation)'] as const;

class NoServices extends runtime.BackendServices {
  call(): Promise<never> {
    return Promise.reject(new Error('no services in the shadow gateway'));
  }
  names(): string[] {
    return [];
  }
}

export class ShadowGateway {
  private readonly timings = new Map<(typeof STEPS)[number], number[]>(STEPS.map((s) => [s, []]));
  private readonly pending = new Map<string, Promise<void>>();

  private constructor(private readonly engines: StorageEngines) {}

  static async open(env: NodeJS.ProcessEnv): Promise<ShadowGateway> {
    return new ShadowGateway(await store.openStorage(config.loadPlatformConfig(env)));
  }

  /** Starts the gateway's work for a change (call it when the change is seen on Kafka). */
  onChange(repository: string, commit: string): void {
    this.pending.set(commit, this.install(repository).catch((error: unknown) => console.error(`shadow gateway: ${String(error)}`)));
  }

  /** Waits for the work of one change. */
  async settled(commit: string): Promise<void> {
    await this.pending.get(commit);
    this.pending.delete(commit);
  }

  summary(): string {
    return STEPS.map((step) => {
      const samples = this.timings.get(step) ?? [];
      return `    ${step.padEnd(32)} median ${fixed(median(samples))} ms, p90 ${fixed(quantile(samples, 0.9))} ms, p99 ${fixed(quantile(samples, 0.99))} ms (n=${samples.length})`;
    }).join('\n');
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.pending.values());
    await this.engines.close();
  }

  private async install(repository: string): Promise<void> {
    const record = (step: (typeof STEPS)[number], since: number): number => {
      const now = performance.now();
      this.timings.get(step)?.push(now - since);
      return now;
    };
    let at = performance.now();
    const entry = await this.engines.registry.get(repository);
    if (!entry) throw new Error(`no registry entry for ${repository}`);
    at = record('read registry entry', at);
    const files = await Promise.all(
      entry.scripts.map(async (script) => ({ path: script.path, source: (await this.engines.vcs.getBlob(repository, script.blob)) ?? '' })),
    );
    at = record('read script blobs', at);
    const compiled = await runtime.CompiledRepository.compile(files);
    at = record('compile isolate', at);
    const endpoint = entry.endpoints[0];
    if (endpoint) {
      const request = { method: endpoint.method, path: endpoint.path, params: {}, query: {}, headers: {}, body: null };
      await compiled.run(endpoint.script, request, new NoServices(), { timeoutMs: 1000, memoryMb: 128 }).catch(() => undefined);
      record('first run (module evaluation)', at);
    }
    compiled.dispose();
  }
}
