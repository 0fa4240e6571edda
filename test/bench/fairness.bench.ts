/**
 * `npm run bench:fairness`: a benign endpoint keeps its throughput while a spinning script of
 * ANOTHER repository (an infinite loop, cut by its timeout) is hammered on the same gateway.
 *
 * Every gateway configuration runs in its own platform (embedded mode, a child process), all
 * started up front and loaded one at a time: defaults (fair share of script CPU on, circuit
 * breaker on), fair share only, breaker only, neither, and the first two with their refusals sent
 * at once instead of held (RejectionHold). DSP_GATEWAY_BREAKER_FAILURES=1000000 turns the breaker
 * off (it would open after 10 consecutive spinner failures and fail fast for 5 s);
 * DSP_GATEWAY_FAIR_SHARE=off turns the fair share off; DSP_GATEWAY_REJECTION_HOLD_MS=0 sends
 * refusals at once. Each round runs, for every configuration in
 * a rotating order, benign alone and benign next to the spinner (A B, B A, ...): the same load for
 * every configuration, from this process. After every run the benchmark waits until the
 * gateway's isolate threads are idle again and reports how long that took (work queued by the
 * spinner that outlives its requests). Script CPU per repository comes from the gateway's
 * dsp_gateway_script_cpu_seconds_total.
 *
 * Aim (issue): benign throughput next to the spinner >= 80% of benign alone.
 *
 * Usage: tsx test/bench/fairness.bench.ts [--rounds 3] [--seconds 10] [--connections 10]
 *          [--spinner-connections 10] [--spinner-timeout-ms 50] [--configs defaults,fair-share,...,neither]
 * DSP_DIST_DIR=<dir> runs a build other than dist/ (see gateway/servers.ts).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ChildGroup } from './gateway/child-processes';
import { hammer, latencySummary, type ThroughputResult } from './gateway/load';
import { cpuBetween, snapshotCpu, type CpuUsage } from './gateway/process-cpu';
import { deployRepository, startEmbeddedPlatform, TRIVIAL_SCRIPT, type EmbeddedPlatform } from './gateway/servers';
import { fixed, interleaved, median, percent, sleep, table } from './support/bench-stats';

const BREAKER_OFF = '1000000';
const CONFIGURATIONS = [
  { id: 'defaults', label: 'defaults: fair share on, breaker on', env: {} },
  { id: 'fair-share', label: 'fair share on, breaker off', env: { DSP_GATEWAY_BREAKER_FAILURES: BREAKER_OFF } },
  { id: 'fair-share-unheld', label: 'fair share on, breaker off, refusals not held', env: { DSP_GATEWAY_BREAKER_FAILURES: BREAKER_OFF, DSP_GATEWAY_REJECTION_HOLD_MS: '0' } },
  { id: 'breaker', label: 'fair share off, breaker on', env: { DSP_GATEWAY_FAIR_SHARE: 'off' } },
  { id: 'breaker-unheld', label: 'fair share off, breaker on, refusals not held', env: { DSP_GATEWAY_FAIR_SHARE: 'off', DSP_GATEWAY_REJECTION_HOLD_MS: '0' } },
  { id: 'neither', label: 'fair share off, breaker off', env: { DSP_GATEWAY_FAIR_SHARE: 'off', DSP_GATEWAY_BREAKER_FAILURES: BREAKER_OFF } },
] as const;
type ConfigurationId = (typeof CONFIGURATIONS)[number]['id'];

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    'spinner-connections': { type: 'string', default: '10' },
    'spinner-timeout-ms': { type: 'string', default: '50' },
    'warmup-seconds': { type: 'string', default: '3' },
    configs: { type: 'string', default: CONFIGURATIONS.map((c) => c.id).join(',') },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const SPINNER_CONNECTIONS = Number(values['spinner-connections']);
const SPINNER_TIMEOUT_MS = Number(values['spinner-timeout-ms']);
const WARMUP_SECONDS = Number(values['warmup-seconds']);
const SELECTED = values.configs.split(',').map((id) => {
  const configuration = CONFIGURATIONS.find((c) => c.id === id.trim());
  if (!configuration) throw new Error(`unknown configuration '${id}' (known: ${CONFIGURATIONS.map((c) => c.id).join(', ')})`);
  return configuration;
});
const TARGET_RATIO = 0.8;
const SPINNER_SCRIPT = 'export default async () => {\n  for (;;) {}\n};\n';
/** Isolate threads count as idle below this much CPU per second. */
const IDLE_OTHER_THREADS_MS_PER_S = 30;

type Variant = 'alone' | 'with spinner';

interface Gateway {
  id: ConfigurationId;
  label: string;
  platform: EmbeddedPlatform;
  urls: { benign: string; spinner: string; metrics: string };
}

interface Run {
  variant: Variant;
  benign: ThroughputResult;
  spinner: ThroughputResult | null;
  cpu: CpuUsage;
  /** CPU per second of every other process on the machine (not this benchmark, not the gateway): noise. */
  othersMsPerS: number;
  /** Script CPU per second of each repository during the benign run (the gateway's own accounting). */
  scriptCpuMsPerS: { benign: number; spinner: number };
  /** Seconds until the gateway's non-main threads were idle after the run's load stopped. */
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

/** CPU time the whole machine was busy so far, in ms (/proc/stat; NaN elsewhere). */
function machineBusyMs(): number {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const tick = (i: number): number => fields[i] ?? 0;
    return (tick(0) + tick(1) + tick(2) + tick(5) + tick(6) + tick(7)) * 10; // user nice system irq softirq steal, USER_HZ 100
  } catch {
    return NaN;
  }
}

/** dsp_gateway_script_cpu_seconds_total per repository, in ms. */
async function scriptCpuMs(metricsUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl)).text();
  const byRepository: Record<string, number> = {};
  for (const match of text.matchAll(/^dsp_gateway_script_cpu_seconds_total\{repository="([^"]+)"\} (\S+)$/gm)) {
    byRepository[match[1] ?? ''] = Number(match[2]) * 1000;
  }
  return byRepository;
}

async function run(gateway: Gateway, variant: Variant): Promise<Run> {
  const pid = gateway.platform.child.pid;
  let spinner: Promise<ThroughputResult> | null = null;
  let stopSpinner: () => void = () => undefined;
  if (variant === 'with spinner') {
    const stop = new Promise<void>((resolve) => (stopSpinner = resolve));
    spinner = hammer(gateway.urls.spinner, { connections: SPINNER_CONNECTIONS, durationSeconds: SECONDS + 30, until: stop });
    await sleep(1000); // the spinner is at full pressure before the benign load starts
  }
  const cpuBefore = await scriptCpuMs(gateway.urls.metrics);
  const before = snapshotCpu(pid);
  const [busyBefore, ownBefore] = [machineBusyMs(), process.cpuUsage()];
  const benign = await hammer(gateway.urls.benign, { connections: CONNECTIONS, durationSeconds: SECONDS, keepLatencies: true });
  const cpu = cpuBetween(before, snapshotCpu(pid));
  const own = process.cpuUsage(ownBefore);
  const othersMsPerS = (machineBusyMs() - busyBefore - cpu.mainMs - cpu.otherMs - (own.user + own.system) / 1000) / benign.seconds;
  const cpuAfter = await scriptCpuMs(gateway.urls.metrics);
  stopSpinner();
  const spinnerResult = spinner ? await spinner : null;
  const perSecond = (repository: string): number => ((cpuAfter[repository] ?? 0) - (cpuBefore[repository] ?? 0)) / benign.seconds;
  const drainSeconds = await waitForIdleIsolates(pid);
  return { variant, benign, spinner: spinnerResult, cpu, othersMsPerS, scriptCpuMsPerS: { benign: perSecond('benign'), spinner: perSecond('spinner') }, drainSeconds };
}

function describeSpinner(result: ThroughputResult | null): string {
  if (!result) return '';
  const total = Object.values(result.statusCounts).reduce((a, b) => a + b, 0);
  const statuses = Object.entries(result.statusCounts)
    .map(([status, count]) => `${status}x${count}`)
    .join(' ');
  return `${fixed(total / result.seconds, 0)}/s ${statuses}${result.errors ? ` err x${result.errors}` : ''}`;
}

async function startGateway(configuration: (typeof CONFIGURATIONS)[number]): Promise<Gateway> {
  const platform = await startEmbeddedPlatform(group, { name: configuration.id, env: { ...configuration.env } });
  await deployRepository(platform, 'spinner', [{ method: 'GET', path: '/spinner/loop', script: 'spin.js', timeoutMs: SPINNER_TIMEOUT_MS }], { 'spin.js': SPINNER_SCRIPT });
  await deployRepository(platform, 'benign', [{ method: 'GET', path: '/benign/hello', script: 'hello.js' }], { 'hello.js': TRIVIAL_SCRIPT });
  const urls = { benign: `${platform.gatewayUrl}/benign/hello`, spinner: `${platform.gatewayUrl}/spinner/loop`, metrics: `${platform.gatewayUrl}/_dsp/metrics` };
  return { id: configuration.id, label: configuration.label, platform, urls };
}

async function main(): Promise<void> {
  console.log(`# bench:fairness  (${new Date().toISOString()}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log(`gateways (one platform each, started up front, loaded one at a time): ${SELECTED.map((c) => `${c.id} = ${c.label}`).join('; ')}`);
  const gateways: Gateway[] = [];
  try {
    for (const configuration of SELECTED) gateways.push(await startGateway(configuration));
    for (const gateway of gateways) {
      const probe = await fetch(gateway.urls.spinner);
      console.log(`[${gateway.id}] spinner (repository 'spinner', timeoutMs ${SPINNER_TIMEOUT_MS}) answers ${probe.status} ${await probe.text()}`);
      console.log(`[${gateway.id}] benign  (repository 'benign') answers ${(await fetch(gateway.urls.benign)).status}`);
      await waitForIdleIsolates(gateway.platform.child.pid);
      await hammer(gateway.urls.benign, { connections: CONNECTIONS, durationSeconds: WARMUP_SECONDS });
    }

    console.log(
      `\n## Benign throughput: autocannon ${CONNECTIONS} connections, ${SECONDS} s per run; spinner: ${SPINNER_CONNECTIONS} connections in a loop, from 1 s before to the end of the benign run; ${ROUNDS} rounds, configurations in rotating order`,
    );
    const runs = new Map<ConfigurationId, Run[][]>(gateways.map((g) => [g.id, []]));
    const orders = interleaved<Variant>('alone', 'with spinner', ROUNDS);
    for (const [round, order] of orders.entries()) {
      for (let k = 0; k < gateways.length; k++) {
        const gateway = gateways[(round + k) % gateways.length];
        if (!gateway) continue;
        const pair: Run[] = [];
        for (const variant of order) pair.push(await run(gateway, variant));
        runs.get(gateway.id)?.push(pair);
        process.stdout.write(`  round ${round + 1} ${gateway.id}: ${pair.map((r) => `${r.variant} ${fixed(r.benign.okPerSecond, 0)}/s`).join(', ')}\n`);
      }
    }

    const summary: string[][] = [];
    for (const gateway of gateways) {
      const pairs = runs.get(gateway.id) ?? [];
      const rows: string[][] = [];
      const rates: Record<Variant, number[]> = { alone: [], 'with spinner': [] };
      const roundRatios: number[] = [];
      const drains: number[] = [];
      for (const [index, pair] of pairs.entries()) {
        for (const r of pair) {
          const latency = latencySummary(r.benign.latenciesMs);
          rates[r.variant].push(r.benign.okPerSecond);
          if (r.variant === 'with spinner') drains.push(r.drainSeconds);
          rows.push([
            `${index + 1}`,
            r.variant,
            fixed(r.benign.okPerSecond, 0),
            String(r.benign.non2xx + r.benign.errors),
            fixed(latency.p50, 2),
            fixed(latency.p99, 2),
            fixed(r.cpu.mainMs / SECONDS, 0),
            fixed(r.cpu.otherMs / SECONDS, 0),
            fixed(r.othersMsPerS, 0),
            fixed(r.scriptCpuMsPerS.benign, 0),
            fixed(r.scriptCpuMsPerS.spinner, 0),
            describeSpinner(r.spinner),
            fixed(r.drainSeconds, 1),
          ]);
        }
        const alone = pair.find((r) => r.variant === 'alone')?.benign.okPerSecond ?? NaN;
        const withSpinner = pair.find((r) => r.variant === 'with spinner')?.benign.okPerSecond ?? NaN;
        roundRatios.push(withSpinner / alone);
        rows.push(['', 'ratio', percent(withSpinner / alone), '', '', '', '', '', '', '', '', '', '']);
      }
      console.log(`\n### ${gateway.label}`);
      console.log(
        table(
          ['round', 'benign', 'req/s (2xx)', 'non-2xx+err', 'p50 ms', 'p99 ms', 'gw main ms/s', 'gw other threads ms/s', 'other processes ms/s', 'script CPU benign ms/s', 'script CPU spinner ms/s', 'spinner load (status x count)', 'isolates idle after s'],
          rows,
        ),
      );
      const alone = median(rates.alone);
      const withSpinner = median(rates['with spinner']);
      const ratio = withSpinner / alone;
      summary.push([
        gateway.label,
        fixed(alone, 0),
        fixed(withSpinner, 0),
        percent(ratio),
        percent(median(roundRatios)),
        roundRatios.map((r) => percent(r)).join(' '),
        drains.map((d) => fixed(d, 1)).join(' '),
        ratio >= TARGET_RATIO ? 'PASS' : 'FAIL',
      ]);
    }
    console.log(`\n## Summary: benign req/s (median of ${ROUNDS} rounds), target >= ${percent(TARGET_RATIO, 0)} of benign alone`);
    console.log(table(['configuration', 'alone', 'with spinner', 'ratio of medians', 'median ratio', 'per-round ratios', 'isolates idle after s', 'verdict'], summary));
  } finally {
    await group.stopAll();
    await Promise.all(gateways.map((g) => g.platform.stop()));
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
