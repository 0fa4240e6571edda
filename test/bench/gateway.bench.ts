/**
 * `npm run bench:gateway`: throughput of a trivial script endpoint served by the DSP gateway
 * against a bare Fastify handler returning the same JSON, and the latency the gateway adds at a
 * moderate fixed rate. Both servers run as child processes (the gateway inside the whole platform
 * in embedded mode: no Kafka or Cassandra); the load comes from this process. Rounds are
 * interleaved (A B, B A, ...) and medians reported, because the machine is shared and noisy.
 *
 * Latency at a fixed rate uses an evenly paced open-loop generator (gateway/load.ts), not
 * autocannon's overallRate: autocannon sends each connection's quota for a second back to back at
 * the start of that second, i.e. bursts at full concurrency, not a moderate load.
 *
 * Aim (issue): gateway throughput >= 75% of bare Fastify. Below that (or with --profile always)
 * one more round runs against a gateway started with --cpu-prof and its main thread is summarized.
 *
 * Usage: tsx test/bench/gateway.bench.ts [--rounds 3] [--seconds 10] [--connections 10]
 *          [--rate 500] [--latency-seconds 10] [--profile auto|always|never]
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ChildGroup } from './gateway/child-processes';
import { summarizeCpuProfile } from './gateway/cpu-profile';
import { hammer, latencySummary, paced, type ThroughputResult } from './gateway/load';
import { cpuBetween, snapshotCpu, type CpuUsage } from './gateway/process-cpu';
import { deployRepository, startBareFastify, startEmbeddedPlatform, TRIVIAL_BODY, TRIVIAL_SCRIPT, type EmbeddedPlatform } from './gateway/servers';
import { fixed, interleaved, median, percent, signed, sleep, table } from './support/bench-stats';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    rate: { type: 'string', default: '500' },
    'latency-seconds': { type: 'string', default: '10' },
    'warmup-seconds': { type: 'string', default: '3' },
    profile: { type: 'string', default: 'auto' },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const RATE = Number(values.rate);
const LATENCY_SECONDS = Number(values['latency-seconds']);
const WARMUP_SECONDS = Number(values['warmup-seconds']);
const PROFILE = values.profile ?? 'auto';
const PROBE_RUNS = 20_000;
const TARGET_RATIO = 0.75;
const PATH = '/bench/hello';

interface Target {
  name: 'gateway' | 'bare';
  url: string;
  pid: number;
}

interface ThroughputRound {
  result: ThroughputResult;
  cpu: CpuUsage;
}

const group = new ChildGroup();

async function deployTrivial(platform: EmbeddedPlatform): Promise<string> {
  return deployRepository(platform, 'bench', [{ method: 'GET', path: PATH, script: 't.js' }], { 't.js': TRIVIAL_SCRIPT });
}

async function describeResponse(url: string): Promise<string> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200 || body !== TRIVIAL_BODY) throw new Error(`${url} answered ${response.status} ${body}, expected 200 ${TRIVIAL_BODY}`);
  return `${response.status} ${response.headers.get('content-type') ?? '?'} ${body}${response.headers.get('x-dsp-commit') ? ` (X-DSP-Commit ${response.headers.get('x-dsp-commit')?.slice(0, 12)}...)` : ''}`;
}

async function throughputRound(target: Target): Promise<ThroughputRound> {
  const before = snapshotCpu(target.pid);
  const result = await hammer(target.url, { connections: CONNECTIONS, durationSeconds: SECONDS, keepLatencies: true });
  const cpu = cpuBetween(before, snapshotCpu(target.pid));
  return { result, cpu };
}

function usPerRequest(ms: number, requests: number): string {
  return fixed((ms * 1000) / Math.max(1, requests), 0);
}

async function profileRound(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dsp-bench-prof-'));
  const removeOnExit = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeOnExit);
  const platform = await startEmbeddedPlatform(group, { name: 'platform (--cpu-prof)', nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  try {
    await deployTrivial(platform);
    const url = `${platform.gatewayUrl}${PATH}`;
    await hammer(url, { connections: CONNECTIONS, durationSeconds: WARMUP_SECONDS });
    const before = snapshotCpu(platform.child.pid);
    const loadStart = performance.now();
    const result = await hammer(url, { connections: CONNECTIONS, durationSeconds: SECONDS });
    const loadEnd = performance.now();
    const cpu = cpuBetween(before, snapshotCpu(platform.child.pid));
    await platform.stop(); // SIGTERM: the platform exits and Node writes the profile
    const exitedAt = performance.now();
    const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
    console.log(`\n## Profile: one ${SECONDS} s round against a gateway started with --cpu-prof (profiler overhead included)`);
    console.log(
      `${fixed(result.okPerSecond, 0)} req/s; gateway process CPU per request: main thread ${usPerRequest(cpu.mainMs, result.ok)} us, other threads ${usPerRequest(cpu.otherMs, result.ok)} us ${JSON.stringify(roundValues(cpu.byName))}`,
    );
    if (!file) {
      console.log(`no .cpuprofile was written in ${dir}:\n${platform.child.logs()}`);
      return;
    }
    // Only the load round: from its start to its end, counted back from the exit.
    const summary = await summarizeCpuProfile(join(dir, file), { window: { fromEndMs: exitedAt - loadStart, toEndMs: exitedAt - loadEnd } });
    console.log(summary.text);
  } finally {
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
    process.removeListener('exit', removeOnExit);
  }
  await sandboxHopProbe();
}

/** The sandbox round trip alone (no HTTP), in its own process: see gateway/sandbox-hop.probe.ts. */
async function sandboxHopProbe(): Promise<void> {
  console.log(`\n## Sandbox round trip without HTTP (built runtime, one process, ${PROBE_RUNS} runs per line)`);
  const probe = group.spawnNode('sandbox-hop probe', ['--no-node-snapshot', '--import', 'tsx', join(__dirname, 'gateway', 'sandbox-hop.probe.ts')], { ...process.env, PROBE_RUNS: String(PROBE_RUNS) });
  const code = await new Promise<number>((resolve) => probe.process.once('exit', (c) => resolve(c ?? 1)));
  const rows: string[][] = [];
  for (const line of probe.logs().split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line) as { variant: string; concurrency: number; runsPerSecond: number; wallUsPerRun: number; mainCpuUsPerRun: number; otherCpuUsPerRun: number };
    rows.push([r.variant, String(r.concurrency), String(r.runsPerSecond), String(r.wallUsPerRun), String(r.mainCpuUsPerRun), String(r.otherCpuUsPerRun)]);
  }
  if (code !== 0 || rows.length === 0) console.log(`probe failed (exit ${code}):\n${probe.logs()}`);
  else console.log(table(['variant', 'in flight', 'runs/s', 'wall us/run', 'main CPU us/run', 'other threads CPU us/run'], rows));
}

function roundValues(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v > 0).map(([k, v]) => [k, Math.round(v)]));
}

async function main(): Promise<void> {
  console.log(`# bench:gateway  (${new Date().toISOString()}, node ${process.version}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const platform = await startEmbeddedPlatform(group);
  try {
    const commit = await deployTrivial(platform);
    const bare = await startBareFastify(group);
    const targets: Record<Target['name'], Target> = {
      gateway: { name: 'gateway', url: `${platform.gatewayUrl}${PATH}`, pid: platform.child.pid },
      bare: { name: 'bare', url: `${bare.url}${PATH}`, pid: bare.child.pid },
    };
    console.log(`gateway (embedded platform, pid ${targets.gateway.pid}, commit ${commit.slice(0, 12)}): ${await describeResponse(targets.gateway.url)}`);
    console.log(`bare    (Fastify, pid ${targets.bare.pid}):                         ${await describeResponse(targets.bare.url)}`);

    console.log(`\nwarm-up: ${WARMUP_SECONDS} s of load on each`);
    for (const target of [targets.gateway, targets.bare]) await hammer(target.url, { connections: CONNECTIONS, durationSeconds: WARMUP_SECONDS });

    // --- throughput ---
    console.log(`\n## Throughput: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} interleaved rounds`);
    const rows: string[][] = [];
    const okRates: Record<Target['name'], number[]> = { gateway: [], bare: [] };
    const cpuPerRequest: Record<Target['name'], { main: number[]; other: number[]; preempted: number[]; wakeups: number[] }> = {
      gateway: { main: [], other: [], preempted: [], wakeups: [] },
      bare: { main: [], other: [], preempted: [], wakeups: [] },
    };
    const roundRatios: number[] = [];
    const order = interleaved(targets.gateway, targets.bare, ROUNDS);
    for (const [index, pair] of order.entries()) {
      const rates: Partial<Record<Target['name'], number>> = {};
      for (const target of pair) {
        await sleep(1000);
        const { result, cpu } = await throughputRound(target);
        rates[target.name] = result.okPerSecond;
        okRates[target.name].push(result.okPerSecond);
        cpuPerRequest[target.name].main.push((cpu.mainMs * 1000) / Math.max(1, result.ok));
        cpuPerRequest[target.name].other.push((cpu.otherMs * 1000) / Math.max(1, result.ok));
        cpuPerRequest[target.name].preempted.push(cpu.mainInvoluntarySwitches / Math.max(1, result.ok));
        cpuPerRequest[target.name].wakeups.push(cpu.otherVoluntarySwitches / Math.max(1, result.ok));
        const latency = latencySummary(result.latenciesMs);
        rows.push([
          `${index + 1}`,
          target.name,
          fixed(result.okPerSecond, 0),
          String(result.non2xx + result.errors),
          fixed(latency.p50, 2),
          fixed(latency.p99, 2),
          usPerRequest(cpu.mainMs, result.ok),
          usPerRequest(cpu.otherMs, result.ok),
          fixed(cpu.mainInvoluntarySwitches / Math.max(1, result.ok), 2),
          fixed(cpu.otherVoluntarySwitches / Math.max(1, result.ok), 2),
        ]);
      }
      const ratio = (rates.gateway ?? NaN) / (rates.bare ?? NaN);
      roundRatios.push(ratio);
      rows.push(['', 'ratio', percent(ratio), '', '', '', '', '', '', '']);
    }
    console.log(
      table(['round', 'server', 'req/s (2xx)', 'non-2xx+err', 'p50 ms', 'p99 ms', 'main thr CPU us/req', 'other thr CPU us/req', 'main thr preempted/req', 'other thr sleeps/req'], rows),
    );
    const gatewayRate = median(okRates.gateway);
    const bareRate = median(okRates.bare);
    const ratio = gatewayRate / bareRate;
    console.log(`\nmedian req/s: gateway ${fixed(gatewayRate, 0)}, bare Fastify ${fixed(bareRate, 0)}`);
    console.log(`ratio of medians: ${percent(ratio)}   (per-round ratios: ${roundRatios.map((r) => percent(r)).join(', ')}; median ${percent(median(roundRatios))})`);
    console.log(
      `server CPU per request (median): gateway ${fixed(median(cpuPerRequest.gateway.main), 0)} us main thread + ${fixed(median(cpuPerRequest.gateway.other), 0)} us other threads; ` +
        `bare ${fixed(median(cpuPerRequest.bare.main), 0)} us + ${fixed(median(cpuPerRequest.bare.other), 0)} us`,
    );
    console.log(
      `context switches per request (median): gateway main thread preempted ${fixed(median(cpuPerRequest.gateway.preempted), 2)}, other threads went to sleep ${fixed(median(cpuPerRequest.gateway.wakeups), 2)}; ` +
        `bare ${fixed(median(cpuPerRequest.bare.preempted), 2)} and ${fixed(median(cpuPerRequest.bare.wakeups), 2)}`,
    );
    console.log(`target >= ${percent(TARGET_RATIO, 0)} of bare Fastify: ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'}`);
    const health = (await (await fetch(`${platform.gatewayUrl}/_dsp/health`)).json()) as { inline?: { runs: number; batches: number; struck: Record<string, string> } };
    if (health.inline) {
      const { runs, batches, struck } = health.inline;
      console.log(`inline runs on the gateway so far: ${runs} in ${batches} batches (${fixed(runs / Math.max(1, batches), 1)} per batch); struck: ${JSON.stringify(struck)}`);
    }

    // --- latency at a fixed moderate rate ---
    console.log(`\n## Latency at a fixed ${RATE} req/s (open loop, evenly paced, keep-alive), ${LATENCY_SECONDS} s per run, ${ROUNDS} interleaved rounds`);
    const latencyRows: string[][] = [];
    const p50s: Record<Target['name'], number[]> = { gateway: [], bare: [] };
    const p99s: Record<Target['name'], number[]> = { gateway: [], bare: [] };
    const deltas50: number[] = [];
    const deltas99: number[] = [];
    for (const [index, pair] of order.entries()) {
      const summaries: Partial<Record<Target['name'], { p50: number; p99: number }>> = {};
      for (const target of pair) {
        await sleep(1000);
        const result = await paced(target.url, { ratePerSecond: RATE, durationSeconds: LATENCY_SECONDS });
        const latency = latencySummary(result.latenciesMs);
        summaries[target.name] = latency;
        p50s[target.name].push(latency.p50);
        p99s[target.name].push(latency.p99);
        latencyRows.push([`${index + 1}`, target.name, fixed(result.perSecond, 0), String(result.failed), String(result.late), fixed(latency.p50, 3), fixed(latency.p90, 3), fixed(latency.p99, 3), fixed(latency.max, 1)]);
      }
      const d50 = (summaries.gateway?.p50 ?? NaN) - (summaries.bare?.p50 ?? NaN);
      const d99 = (summaries.gateway?.p99 ?? NaN) - (summaries.bare?.p99 ?? NaN);
      deltas50.push(d50);
      deltas99.push(d99);
      latencyRows.push(['', 'gateway - bare', '', '', '', signed(d50, 3), '', signed(d99, 3), '']);
    }
    console.log(table(['round', 'server', 'req/s', 'failed', 'sent late', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'], latencyRows));
    console.log(`\nmedian p50: gateway ${fixed(median(p50s.gateway), 3)} ms, bare ${fixed(median(p50s.bare), 3)} ms -> added ${signed(median(deltas50), 3)} ms (median of per-round deltas)`);
    console.log(`median p99: gateway ${fixed(median(p99s.gateway), 3)} ms, bare ${fixed(median(p99s.bare), 3)} ms -> added ${signed(median(deltas99), 3)} ms (median of per-round deltas)`);
    await bare.stop();
    await platform.stop();

    if (PROFILE === 'always' || (PROFILE === 'auto' && !(ratio >= TARGET_RATIO))) await profileRound();
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
