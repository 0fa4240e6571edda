/**
 * `npm run bench:gateway`: throughput of a trivial script endpoint served by the DSP gateway
 * against reference servers returning the same JSON, and the latency each adds at a moderate
 * fixed rate. The targets, each a child process (the load comes from this process):
 *   - `gateway`: the whole platform in embedded mode (no Kafka or Cassandra), default settings:
 *     short scripts run their first slice inline on the event loop thread, in batches;
 *   - `gateway, inline off`: a second embedded platform with DSP_GATEWAY_INLINE=off, where every
 *     slice runs on isolated-vm's own threads (the old path);
 *   - `fastify + isolate`: the issue's reference point, a plain Fastify route calling one warm
 *     isolate per request (gateway/isolate-fastify.server.ts);
 *   - `bare`: a bare Fastify handler (gateway/bare-fastify.server.ts).
 * All run in the same rounds, in an order rotated each round (A B C D, B C D A, ...) so that none
 * is always first, and medians are reported, because the machine is shared and noisy. Ratios are
 * against `bare`, plus gateway / fastify + isolate and gateway / gateway, inline off.
 *
 * Latency at a fixed rate uses an evenly paced open-loop generator (gateway/load.ts), not
 * autocannon's overallRate: autocannon sends each connection's quota for a second back to back at
 * the start of that second, i.e. bursts at full concurrency, not a moderate load.
 *
 * Aim (issue): gateway throughput >= 75% of bare Fastify. Below that (or with --profile always)
 * one more round runs against a (default) gateway started with --cpu-prof and its main thread is
 * summarized.
 *
 * Usage: tsx test/bench/gateway.bench.ts [--rounds 4] [--seconds 10] [--connections 10]
 *          [--rate 500] [--latency-seconds 10] [--warmup-seconds 3] [--profile auto|always|never]
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
import { deployRepository, startBareFastify, startEmbeddedPlatform, startIsolateFastify, TRIVIAL_BODY, TRIVIAL_SCRIPT, type EmbeddedPlatform } from './gateway/servers';
import { fixed, median, percent, rotated, signed, sleep, table } from './support/bench-stats';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '4' },
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

type TargetName = 'gateway' | 'gateway, inline off' | 'fastify + isolate' | 'bare';

interface Target {
  name: TargetName;
  /** What it is, for the sanity check at start. */
  description: string;
  url: string;
  pid: number;
}

/** Throughput ratios reported (numerator / denominator); the first is the issue's aim. */
const COMPARISONS: Array<[TargetName, TargetName]> = [
  ['gateway', 'bare'],
  ['gateway, inline off', 'bare'],
  ['fastify + isolate', 'bare'],
  ['gateway', 'fastify + isolate'],
  ['gateway', 'gateway, inline off'],
];

/** Per target, one sample per round. */
interface Samples {
  okPerSecond: number[];
  mainUsPerRequest: number[];
  otherUsPerRequest: number[];
  preemptedPerRequest: number[];
  sleepsPerRequest: number[];
  p50: number[];
  p99: number[];
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

async function printInlineRuns(name: TargetName, gatewayUrl: string): Promise<void> {
  const health = (await (await fetch(`${gatewayUrl}/_dsp/health`)).json()) as { inline?: { runs: number; batches: number; overruns: number; struck: Record<string, string> } };
  if (health.inline) {
    const { runs, batches, overruns, struck } = health.inline;
    console.log(`inline runs on the ${name} so far: ${runs} in ${batches} batches (${fixed(runs / Math.max(1, batches), 1)} per batch); overruns: ${overruns}; struck: ${JSON.stringify(struck)}`);
  }
}

async function main(): Promise<void> {
  console.log(`# bench:gateway  (${new Date().toISOString()}, node ${process.version}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  const platform = await startEmbeddedPlatform(group);
  const servers: Array<{ stop(): Promise<void> }> = [platform];
  try {
    const commit = await deployTrivial(platform);
    const inlineOff = await startEmbeddedPlatform(group, { name: 'platform (inline off)', env: { DSP_GATEWAY_INLINE: 'off' } });
    servers.push(inlineOff);
    const inlineOffCommit = await deployTrivial(inlineOff);
    const isolate = await startIsolateFastify(group);
    servers.push(isolate);
    const bare = await startBareFastify(group);
    servers.push(bare);
    const targets: Target[] = [
      { name: 'gateway', description: `embedded platform, commit ${commit.slice(0, 12)}`, url: `${platform.gatewayUrl}${PATH}`, pid: platform.child.pid },
      {
        name: 'gateway, inline off',
        description: `embedded platform, DSP_GATEWAY_INLINE=off, commit ${inlineOffCommit.slice(0, 12)}`,
        url: `${inlineOff.gatewayUrl}${PATH}`,
        pid: inlineOff.child.pid,
      },
      { name: 'fastify + isolate', description: 'Fastify route, one warm isolate call per request', url: `${isolate.url}${PATH}`, pid: isolate.child.pid },
      { name: 'bare', description: 'bare Fastify handler', url: `${bare.url}${PATH}`, pid: bare.child.pid },
    ];
    const nameWidth = Math.max(...targets.map((t) => t.name.length));
    for (const target of targets) console.log(`${target.name.padEnd(nameWidth)}  (${target.description}, pid ${target.pid}): ${await describeResponse(target.url)}`);
    const samples = Object.fromEntries(
      targets.map((t): [TargetName, Samples] => [t.name, { okPerSecond: [], mainUsPerRequest: [], otherUsPerRequest: [], preemptedPerRequest: [], sleepsPerRequest: [], p50: [], p99: [] }]),
    ) as Record<TargetName, Samples>;
    const others = targets.filter((t) => t.name !== 'bare');

    console.log(`\nwarm-up: ${WARMUP_SECONDS} s of load on each`);
    for (const target of targets) await hammer(target.url, { connections: CONNECTIONS, durationSeconds: WARMUP_SECONDS });

    // --- throughput ---
    console.log(`\n## Throughput: autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds of ${targets.length} targets in rotated order`);
    const rows: string[][] = [];
    const roundRatios = COMPARISONS.map((): number[] => []);
    const order = rotated(targets, ROUNDS);
    for (const [index, round] of order.entries()) {
      const rates: Partial<Record<TargetName, number>> = {};
      for (const target of round) {
        await sleep(1000);
        const { result, cpu } = await throughputRound(target);
        const ok = Math.max(1, result.ok);
        const s = samples[target.name];
        rates[target.name] = result.okPerSecond;
        s.okPerSecond.push(result.okPerSecond);
        s.mainUsPerRequest.push((cpu.mainMs * 1000) / ok);
        s.otherUsPerRequest.push((cpu.otherMs * 1000) / ok);
        s.preemptedPerRequest.push(cpu.mainInvoluntarySwitches / ok);
        s.sleepsPerRequest.push(cpu.otherVoluntarySwitches / ok);
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
          fixed(cpu.mainInvoluntarySwitches / ok, 2),
          fixed(cpu.otherVoluntarySwitches / ok, 2),
        ]);
      }
      for (const [i, [a, b]] of COMPARISONS.entries()) {
        const ratio = (rates[a] ?? NaN) / (rates[b] ?? NaN);
        roundRatios[i]?.push(ratio);
        if (b === 'bare') rows.push(['', `${a} / bare`, percent(ratio), '', '', '', '', '', '', '']);
      }
    }
    console.log(
      table(['round', 'server', 'req/s (2xx)', 'non-2xx+err', 'p50 ms', 'p99 ms', 'main thr CPU us/req', 'other thr CPU us/req', 'main thr preempted/req', 'other thr sleeps/req'], rows),
    );
    const medianRate = (name: TargetName): number => median(samples[name].okPerSecond);
    console.log(`\nmedians per target (server CPU and context switches per request; "other threads went to sleep" = voluntary switches):`);
    console.log(
      table(
        ['server', 'req/s (2xx)', 'vs bare', 'main thr CPU us/req', 'other thr CPU us/req', 'main thr preempted/req', 'other thr sleeps/req'],
        targets.map((t) => {
          const s = samples[t.name];
          return [
            t.name,
            fixed(medianRate(t.name), 0),
            t.name === 'bare' ? '' : percent(medianRate(t.name) / medianRate('bare')),
            fixed(median(s.mainUsPerRequest), 0),
            fixed(median(s.otherUsPerRequest), 0),
            fixed(median(s.preemptedPerRequest), 2),
            fixed(median(s.sleepsPerRequest), 2),
          ];
        }),
      ),
    );
    console.log('\nthroughput ratios: ratio of medians (per-round ratios; their median)');
    const comparisonWidth = Math.max(...COMPARISONS.map(([a, b]) => `${a} / ${b}`.length));
    for (const [i, [a, b]] of COMPARISONS.entries()) {
      const perRound = roundRatios[i] ?? [];
      console.log(`  ${`${a} / ${b}`.padEnd(comparisonWidth)}  ${percent(medianRate(a) / medianRate(b)).padStart(6)}   (${perRound.map((r) => percent(r)).join(', ')}; median ${percent(median(perRound))})`);
    }
    const ratio = medianRate('gateway') / medianRate('bare');
    console.log(`target: gateway >= ${percent(TARGET_RATIO, 0)} of bare Fastify: ${ratio >= TARGET_RATIO ? 'PASS' : 'FAIL'} (${percent(ratio)})`);
    await printInlineRuns('gateway', platform.gatewayUrl);
    await printInlineRuns('gateway, inline off', inlineOff.gatewayUrl);

    // --- latency at a fixed moderate rate ---
    console.log(`\n## Latency at a fixed ${RATE} req/s (open loop, evenly paced, keep-alive), ${LATENCY_SECONDS} s per run, ${ROUNDS} rounds in rotated order`);
    const latencyRows: string[][] = [];
    const deltas = Object.fromEntries(others.map((t): [TargetName, { p50: number[]; p99: number[] }] => [t.name, { p50: [], p99: [] }])) as Partial<Record<TargetName, { p50: number[]; p99: number[] }>>;
    for (const [index, round] of order.entries()) {
      const summaries: Partial<Record<TargetName, { p50: number; p99: number }>> = {};
      for (const target of round) {
        await sleep(1000);
        const result = await paced(target.url, { ratePerSecond: RATE, durationSeconds: LATENCY_SECONDS });
        const latency = latencySummary(result.latenciesMs);
        summaries[target.name] = latency;
        samples[target.name].p50.push(latency.p50);
        samples[target.name].p99.push(latency.p99);
        latencyRows.push([`${index + 1}`, target.name, fixed(result.perSecond, 0), String(result.failed), String(result.late), fixed(latency.p50, 3), fixed(latency.p90, 3), fixed(latency.p99, 3), fixed(latency.max, 1)]);
      }
      for (const target of others) {
        const d50 = (summaries[target.name]?.p50 ?? NaN) - (summaries.bare?.p50 ?? NaN);
        const d99 = (summaries[target.name]?.p99 ?? NaN) - (summaries.bare?.p99 ?? NaN);
        deltas[target.name]?.p50.push(d50);
        deltas[target.name]?.p99.push(d99);
        latencyRows.push(['', `${target.name} - bare`, '', '', '', signed(d50, 3), '', signed(d99, 3), '']);
      }
    }
    console.log(table(['round', 'server', 'req/s', 'failed', 'sent late', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'], latencyRows));
    console.log('\nmedians per target; added = median of the per-round deltas against bare:');
    console.log(
      table(
        ['server', 'p50 ms', 'p50 added ms', 'p99 ms', 'p99 added ms'],
        targets.map((t) => [
          t.name,
          fixed(median(samples[t.name].p50), 3),
          t.name === 'bare' ? '' : signed(median(deltas[t.name]?.p50 ?? []), 3),
          fixed(median(samples[t.name].p99), 3),
          t.name === 'bare' ? '' : signed(median(deltas[t.name]?.p99 ?? []), 3),
        ]),
      ),
    );
    for (const server of servers) await server.stop();

    if (PROFILE === 'always' || (PROFILE === 'auto' && !(ratio >= TARGET_RATIO))) await profileRound();
  } finally {
    await group.stopAll();
    for (const server of servers) await server.stop();
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
