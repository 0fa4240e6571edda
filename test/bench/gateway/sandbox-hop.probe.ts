/**
 * Cost of one trip into the sandbox and back, without HTTP: the built runtime (dist/, the code the
 * gateway runs) serving the trivial script, next to bare isolated-vm round trips. Prints one JSON
 * line per variant: wall time per run and CPU per run of the main thread and of the other threads.
 *
 * Run by bench:gateway when it profiles: node --no-node-snapshot --import tsx sandbox-hop.probe.ts
 */
import { join } from 'node:path';
import ivm from 'isolated-vm';
import { cpuBetween, snapshotCpu } from './process-cpu';
import { TRIVIAL_SCRIPT } from './servers';

type Runtime = typeof import('../../../libs/runtime/src');
const runtime = require(join(__dirname, '..', '..', '..', 'dist', 'libs', 'runtime', 'src', 'index.js')) as Runtime;

const RUNS = Number(process.env.PROBE_RUNS ?? 20_000);

/** What the gateway hands the script for `GET /bench/hello` from autocannon. */
const REQUEST = {
  method: 'GET',
  path: '/bench/hello',
  params: {},
  query: {},
  headers: { host: '127.0.0.1:8080', 'user-agent': 'autocannon', connection: 'keep-alive' },
  body: null,
};

class NoServices extends runtime.BackendServices {
  call(): Promise<never> {
    return Promise.reject(new Error('no services in this probe'));
  }
  names(): string[] {
    return [];
  }
}

async function measure(name: string, concurrency: number, once: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 2000; i++) await once(); // warm-up
  const before = snapshotCpu(process.pid);
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < RUNS) {
      next += 1;
      await once();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - started;
  const cpu = cpuBetween(before, snapshotCpu(process.pid));
  console.log(
    JSON.stringify({
      variant: name,
      concurrency,
      runsPerSecond: Math.round((RUNS * 1000) / wallMs),
      wallUsPerRun: Math.round((wallMs * 1000) / RUNS),
      mainCpuUsPerRun: Math.round((cpu.mainMs * 1000) / RUNS),
      otherCpuUsPerRun: Math.round((cpu.otherMs * 1000) / RUNS),
    }),
  );
}

async function main(): Promise<void> {
  const isolate = new ivm.Isolate({ memoryLimit: 128 });
  const context = await isolate.createContext();
  const empty = await context.eval('(function empty() { return undefined; })', { reference: true });
  const services = new NoServices();
  const compiled = await runtime.CompiledRepository.compile([{ path: 't.js', source: TRIVIAL_SCRIPT }]);
  const inline = await runtime.CompiledRepository.compile([{ path: 't.js', source: TRIVIAL_SCRIPT }], { inline: new runtime.InlineGate('probe') });
  const limits = { timeoutMs: 1000, memoryMb: 128 };

  for (const concurrency of [1, 10]) {
    await measure('ivm: apply(empty function), no arguments', concurrency, () => empty.apply(undefined, []));
    await measure('ivm: apply(empty function), request copied', concurrency, () => empty.apply(undefined, [1, 't.js', REQUEST, [], false], { arguments: { copy: true } }));
    await measure('ivm: apply(empty function), request copied, timeout', concurrency, () => empty.apply(undefined, [1, 't.js', REQUEST, [], false], { arguments: { copy: true }, timeout: 1000 }));
    // For comparison: the same call run synchronously on the calling thread (no thread hop, no promise).
    await measure('ivm: applySync(empty function), request copied, timeout', concurrency, async () =>
      empty.applySync(undefined, [1, 't.js', REQUEST, [], false], { arguments: { copy: true }, timeout: 1000 }),
    );
    await measure('dsp: CompiledRepository.run(trivial script)', concurrency, () => compiled.run('t.js', REQUEST, services, limits));
    await measure('dsp: CompiledRepository.run(trivial script), inline', concurrency, () => inline.run('t.js', REQUEST, services, limits));
  }
  compiled.dispose();
  inline.dispose();
  isolate.dispose();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
