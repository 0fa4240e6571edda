/**
 * `npm run bench:fairness`: a benign endpoint keeps its throughput while a spinning script of
 * ANOTHER repository (an infinite loop, cut by its timeout) is hammered on the same gateway.
 * Benign alone and benign next to the spinner run in interleaved rounds (A B, B A, ...) on one
 * gateway (the platform in embedded mode, a child process); the load comes from this process.
 *
 * The gateway's circuit breaker would open after 10 consecutive spinner failures and fail fast
 * for 5 s, hiding the spinner: DSP_GATEWAY_BREAKER_FAILURES=1000000 keeps it spinning.
 * After every spinner round the benchmark waits until the gateway's isolate threads are idle
 * again and reports how long that took (work queued by the spinner that outlives its requests).
 *
 * Aim (issue): benign throughput next to the spinner >= 80% of benign alone.
 *
 * Usage: tsx test/bench/fairness.bench.ts [--rounds 3] [--seconds 10] [--connections 10]
 *          [--spinner-connections 10] [--spinner-timeout-ms 50]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ChildGroup } from './gateway/child-processes';
import { hammer, latencySummary, type ThroughputResult } from './gateway/load';
import { cpuBetween, snapshotCpu, type CpuUsage } from './gateway/process-cpu';
import { deployRepository, startEmbeddedPlatform, TRIVIAL_SCRIPT, type EmbeddedPlatform } from './gateway/servers';
import { fixed, interleaved, median, percent, sleep, table } from './gateway/stats';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'spinner-connections': { type: 'string', default: '10' },
    'spinner-timeout-ms': { type: 'string', default: '50' },
    'warmup-seconds': { type: 'string', default: '3' },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const SPINNER_CONNECTIONS = Number(values['spinner-connections']);
const SPINNER_TIMEOUT_MS = Number(values['spinner-timeout-ms']);
const WARMUP_SECONDS = Number(values['warmup-seconds']);
const TARGET_RATIO = 0.8;
const BREAKER_FAILURES = '1000000';
const SPINNER_SCRIPT = 'export default async () => {\n  for (;;) {}\n};\n';
/** Isolate threads count as idle below this much CPU per second. */
const IDLE_OTHER_THREADS_MS_PER_S = 30;

type Variant = 'alone' | 'with spinner';

interface Round {
  variant: Variant;
  benign: ThroughputResult;
  spinner: ThroughputResult | null;
  cpu: CpuUsage;
  /** Seconds until the gateway's non-main threads were idle after the round's load stopped. */
  drainSeconds: number;
}

const group = new ChildGroup();

/** Waits until the gateway's non-main threads (isolates) use < IDLE_OTHER_THREADS_MS_PER_S for 2 s in a row. */
async function waitForIdleIsolates(pid: number, maxSeconds = 240): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  let before = snapshotCpu(pid);
  while ((performance.now() - started) / 1000 < maxSeconds) {
    await sleep(1000);
    const after = snapshotCpu(pid);
    const used = cpuBetween(before, after).otherMs;
    before = after;
    quiet = used < IDLE_OTHER_THREADS_MS_PER_S ? quiet + 1 : 0;
    if (quiet >= 2) return (performance.now() - started) / 1000 - 2;
  }
  return Infinity;
}

async function runRound(platform: EmbeddedPlatform, variant: Variant, urls: { benign: string; spinner: string }): Promise<Round> {
  const pid = platform.child.pid;
  let spinner: Promise<ThroughputResult> | null = null;
  let stopSpinner: () => void = () => undefined;
  if (variant === 'with spinner') {
    const stop = new Promise<void>((resolve) => (stopSpinner = resolve));
    spinner = hammer(urls.spinner, { connections: SPINNER_CONNECTIONS, durationSeconds: SECONDS + 30, until: stop });
    await sleep(1000); // the spinner is at full pressure before the benign load starts
  }
  const before = snapshotCpu(pid);
  const benign = await hammer(urls.benign, { connections: CONNECTIONS, durationSeconds: SECONDS, keepLatencies: true });
  const cpu = cpuBetween(before, snapshotCpu(pid));
  stopSpinner();
  const spinnerResult = spinner ? await spinner : null;
  const drainSeconds = await waitForIdleIsolates(pid);
  return { variant, benign, spinner: spinnerResult, cpu, drainSeconds };
}

function describeSpinner(result: ThroughputResult | null): string {
  if (!result) return '';
  const total = Object.values(result.statusCounts).reduce((a, b) => a + b, 0);
  const statuses = Object.entries(result.statusCounts)
    .map(([status, count]) => `${status}x${count}`)
    .join(' ');
  return `${fixed(total / result.seconds, 0)}/s ${statuses}${result.errors ? ` err x${result.errors}` : ''}`;
}

async function main(): Promise<void> {
  console.log(`# bench:fairness  (${new Date().toISOString()}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log(`note: the gateway runs with DSP_GATEWAY_BREAKER_FAILURES=${BREAKER_FAILURES}: its circuit breaker (default: open after 10 consecutive failures, for 5 s) is`);
  console.log('      effectively off, so the spinner keeps reaching its isolate instead of being failed fast.');
  const platform = await startEmbeddedPlatform(group, { env: { DSP_GATEWAY_BREAKER_FAILURES: BREAKER_FAILURES } });
  try {
    await deployRepository(platform, 'spinner', [{ method: 'GET', path: '/spinner/loop', script: 'spin.js', timeoutMs: SPINNER_TIMEOUT_MS }], { 'spin.js': SPINNER_SCRIPT });
    await deployRepository(platform, 'benign', [{ method: 'GET', path: '/benign/hello', script: 'hello.js' }], { 'hello.js': TRIVIAL_SCRIPT });
    const urls = { benign: `${platform.gatewayUrl}/benign/hello`, spinner: `${platform.gatewayUrl}/spinner/loop` };
    const probe = await fetch(urls.spinner);
    console.log(`spinner (repository 'spinner', timeoutMs ${SPINNER_TIMEOUT_MS}) answers ${probe.status} ${await probe.text()}`);
    console.log(`benign  (repository 'benign') answers ${(await fetch(urls.benign)).status}`);
    await waitForIdleIsolates(platform.child.pid);
    await hammer(urls.benign, { connections: CONNECTIONS, durationSeconds: WARMUP_SECONDS });

    console.log(
      `\n## Benign throughput: autocannon ${CONNECTIONS} connections, ${SECONDS} s per run; spinner: ${SPINNER_CONNECTIONS} connections in a loop, from 1 s before to the end of the benign run; ${ROUNDS} interleaved rounds`,
    );
    const rounds: Round[][] = [];
    for (const pair of interleaved<Variant>('alone', 'with spinner', ROUNDS)) {
      const results: Round[] = [];
      for (const variant of pair) results.push(await runRound(platform, variant, urls));
      rounds.push(results);
    }

    const rows: string[][] = [];
    const rates: Record<Variant, number[]> = { alone: [], 'with spinner': [] };
    const roundRatios: number[] = [];
    const drains: number[] = [];
    for (const [index, results] of rounds.entries()) {
      for (const round of results) {
        const latency = latencySummary(round.benign.latenciesMs);
        rates[round.variant].push(round.benign.okPerSecond);
        if (round.variant === 'with spinner') drains.push(round.drainSeconds);
        rows.push([
          `${index + 1}`,
          round.variant,
          fixed(round.benign.okPerSecond, 0),
          String(round.benign.non2xx + round.benign.errors),
          fixed(latency.p50, 2),
          fixed(latency.p99, 2),
          fixed(round.cpu.mainMs / SECONDS, 0),
          fixed(round.cpu.otherMs / SECONDS, 0),
          describeSpinner(round.spinner),
          fixed(round.drainSeconds, 1),
        ]);
      }
      const alone = results.find((r) => r.variant === 'alone')?.benign.okPerSecond ?? NaN;
      const withSpinner = results.find((r) => r.variant === 'with spinner')?.benign.okPerSecond ?? NaN;
      roundRatios.push(withSpinner / alone);
      rows.push(['', 'ratio', percent(withSpinner / alone), '', '', '', '', '', '', '']);
    }
    console.log(
      table(['round', 'benign', 'req/s (2xx)', 'non-2xx+err', 'p50 ms', 'p99 ms', 'gw main ms/s', 'gw other threads ms/s', 'spinner load (status x count)', 'isolates idle after s'], rows),
    );
    const alone = median(rates.alone);
    const withSpinner = median(rates['with spinner']);
    const ratio = withSpinner / alone;
    console.log(`\nmedian benign req/s: alone ${fixed(alone, 0)}, with spinner ${fixed(withSpinner, 0)}`);
    console.log(`ratio of medians: ${percent(ratio)}   (per-round ratios: ${roundRatios.map((r) => percent(r)).join(', ')}; median ${percent(median(roundRatios))})`);
    console.log(`gateway isolates kept spinning after the spinner's load stopped: ${drains.map((d) => `${fixed(d, 1)} s`).join(', ')}`);
    console.log(`target >= ${percent(TARGET_RATIO, 0)} of benign alone: ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'}`);
  } finally {
    await group.stopAll();
    await platform.stop();
  }
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error);
    await group.stopAll();
    process.exit(1);
  },
);
