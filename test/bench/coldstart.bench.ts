/**
 * `npm run bench:coldstart`: a gateway starting cold with R repositories x E endpoints (default
 * 100 x 10 = 1,000 endpoints, each its own ~150-line adapter script plus a shared module per
 * repository), with the persisted V8 code cache and without it (DSP_GATEWAY_CODE_CACHE=off:
 * compiling every script from source), in interleaved rounds of the same run, on real Kafka and
 * Cassandra, the gateway as its own process (DSP_GATEWAY_WORKERS=1).
 *
 * Per start: time to ready (spawn -> /_dsp/health answers; includes Node's boot and joining the
 * Kafka group), and the gateway's own phases: listing the registry, fetching code (sources, or
 * persisted JavaScript + code cache), compiling (isolates, contexts, modules). Memory: the worker's
 * RSS when ready and after every endpoint has served one request ("warm"), next to a gateway with
 * an empty registry started first.
 *
 * Aims (issue): ready in under a second once the scripts are loaded (the compile phase, after the
 * code is fetched), and no more than 300 MB extra memory for 1,000 warm endpoints.
 *
 * Usage: tsx test/infra/with-infra.ts tsx test/bench/coldstart.bench.ts [--repositories 100] [--endpoints 10] [--rounds 3]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { AppProcess, distributedEnvironment, freePort, waitForHttp } from '../e2e/support/platform-processes';
import { ControlApi } from '../e2e/support/control-api';
import { fixed, median, sleep } from './support/bench-stats';

const { values } = parseArgs({
  options: {
    repositories: { type: 'string', default: '100' },
    endpoints: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
});
const REPOSITORIES = Number(values.repositories);
const ENDPOINTS = Number(values.endpoints);
const ROUNDS = Number(values.rounds);
const TARGET_READY_MS = 1000;
const TARGET_EXTRA_MB = 300;

interface Health {
  pid: number;
  repositories: number;
  rssBytes: number;
  startup: { entries: number; endpoints: number; listMs: number; fetchMs: number; compileMs: number } | null;
  compile: { compilations: number; cacheAccepted: number; cacheRejected: number; cacheMissing: number };
}

interface Start {
  mode: 'code cache' | 'from source';
  readyMs: number;
  listMs: number;
  fetchMs: number;
  compileMs: number;
  accepted: number;
  missing: number;
  rssReadyMb: number;
  rssWarmMb: number;
}

/** A module every endpoint of a repository imports. */
function sharedModule(repository: number): string {
  return `// formatting helpers of team ${repository}
export const TEAM = 'team-${repository}';
export function pick(object, keys) {
  const out = {};
  for (const key of keys) if (object != null && key in object) out[key] = object[key];
  return out;
}
export function titleCase(text) {
  return String(text).split(/\\s+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()).join(' ');
}
export function paginate(items, page = 1, size = 20) {
  const start = (Math.max(1, page) - 1) * size;
  return { page, size, total: items.length, items: items.slice(start, start + size) };
}
export function respond(status, body, headers = {}) {
  return { status, headers: { 'cache-control': 'max-age=30', 'x-team': TEAM, ...headers }, body };
}
`;
}

/** One endpoint's adapter: realistic size and shape (parsing, mapping, formatting), distinct per endpoint. */
function adapter(repository: number, endpoint: number): string {
  const fields = Array.from({ length: 12 }, (_, i) => `field${endpoint}_${i}`);
  const mappers = fields
    .map(
      (field, i) => `function map_${field}(item) {
  const value = item && item.${field};
  if (value === undefined || value === null) return ${i % 3 === 0 ? "''" : i % 3 === 1 ? '0' : 'null'};
  if (typeof value === 'string') return titleCase(value.trim()).slice(0, ${40 + i});
  if (typeof value === 'number') return Math.round(value * ${i + 1}) / ${i + 1};
  return pick(value, ['id', 'name', 'kind']);
}`,
    )
    .join('\n');
  return `// adapter ${repository}/${endpoint}
import { pick, titleCase, paginate, respond } from './lib/shared.js';

const DEVICE_FORMATS = { tv: 'large', phone: 'compact', console: 'large', web: 'medium' };

${mappers}

function shape(item, format) {
  const shaped = {
${fields.map((field) => `    ${field}: map_${field}(item),`).join('\n')}
  };
  if (format === 'compact') return pick(shaped, [${fields
    .slice(0, 4)
    .map((f) => `'${f}'`)
    .join(', ')}]);
  return shaped;
}

function parseQuery(query) {
  const page = Number.parseInt(query.page ?? '1', 10);
  const size = Number.parseInt(query.size ?? '20', 10);
  return { page: Number.isFinite(page) ? page : 1, size: Number.isFinite(size) ? Math.min(size, 100) : 20, device: query.device ?? 'web' };
}

export default async function handle(request, ctx) {
  const { page, size, device } = parseQuery(request.query);
  const format = DEVICE_FORMATS[device] ?? 'medium';
  const items = Array.from({ length: 3 }, (_, i) => ({ id: i, ${fields[0]}: 'item ' + i, ${fields[1]}: i * 1.5 }));
  const shaped = items.map((item) => shape(item, format));
  return respond(200, { endpoint: ${endpoint}, repository: ${repository}, ...paginate(shaped, page, size) });
}
`;
}

const processes: AppProcess[] = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.all(processes.map((p) => p.stop())).finally(() => process.exit(130));
  });
}

async function health(url: string): Promise<Health> {
  return (await (await fetch(`${url}/_dsp/health`)).json()) as Health;
}

/** Starts a gateway, waits until it is ready, optionally requests every endpoint once, stops it. */
async function startGateway(env: NodeJS.ProcessEnv, mode: Start['mode'], warm: boolean): Promise<Start> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const spawned = performance.now();
  const gateway = new AppProcess('gateway', { ...env, DSP_GATEWAY_PORT: String(port), DSP_GATEWAY_CODE_CACHE: mode === 'code cache' ? 'on' : 'off' }).start();
  processes.push(gateway);
  try {
    await waitForHttp(`${url}/_dsp/health`, gateway, 120_000);
    const readyMs = performance.now() - spawned;
    const ready = await health(url);
    let rssWarm = ready.rssBytes;
    if (warm) {
      const paths = Array.from({ length: REPOSITORIES * ENDPOINTS }, (_, i) => `/cold/r${Math.floor(i / ENDPOINTS)}/e${i % ENDPOINTS}?device=tv`);
      const failures: string[] = [];
      for (let i = 0; i < paths.length; i += 25) {
        await Promise.all(
          paths.slice(i, i + 25).map(async (path) => {
            const response = await fetch(`${url}${path}`);
            const body = await response.text();
            if (response.status !== 200) failures.push(`${path} ${response.status} ${body.slice(0, 200)}`);
          }),
        );
      }
      if (failures.length > 0) throw new Error(`${failures.length} of ${paths.length} endpoints did not answer 200 (${mode}):\n${failures.slice(0, 5).join('\n')}`);
      rssWarm = (await health(url)).rssBytes;
    }
    return {
      mode,
      readyMs,
      listMs: ready.startup?.listMs ?? 0,
      fetchMs: ready.startup?.fetchMs ?? 0,
      compileMs: ready.startup?.compileMs ?? 0,
      accepted: ready.compile.cacheAccepted,
      missing: ready.compile.cacheMissing,
      rssReadyMb: ready.rssBytes / 1e6,
      rssWarmMb: rssWarm / 1e6,
    };
  } finally {
    await gateway.stop();
  }
}

async function main(): Promise<void> {
  const { env: baseEnv, token } = distributedEnvironment();
  const env: NodeJS.ProcessEnv = { ...baseEnv, DSP_GATEWAY_WORKERS: '1' };
  console.log(
    `# bench:coldstart  (${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}): ${REPOSITORIES} repositories x ${ENDPOINTS} endpoints = ${REPOSITORIES * ENDPOINTS} endpoints, ${ROUNDS} rounds per mode, interleaved`,
  );
  const controlPort = await freePort();
  const control = new AppProcess('control', { ...env, DSP_CONTROL_PORT: String(controlPort) }).start();
  processes.push(control);
  try {
    await waitForHttp(`http://127.0.0.1:${controlPort}/healthz`, control);
    const projector = new AppProcess('projector', { ...env, DSP_PROJECTOR_PORT: String(await freePort()) }).start();
    processes.push(projector);

    const empty = await startGateway(env, 'code cache', false);
    console.log(`empty registry: ready in ${fixed(empty.readyMs)} ms, worker RSS ${fixed(empty.rssReadyMb)} MB`);

    const api = new ControlApi(`http://127.0.0.1:${controlPort}`, token);
    const seeding = performance.now();
    for (let r = 0; r < REPOSITORIES; r++) {
      const name = `cold${r}`;
      const created = await api.request('POST', '/v1/repos', { name });
      if (created.status !== 201) throw new Error(`creating ${name}: ${created.text}`);
      const endpoints = Array.from({ length: ENDPOINTS }, (_, e) => ({ method: 'GET', path: `/cold/r${r}/e${e}`, script: `e${e}.js` }));
      const changes = [
        { path: 'dsp.json', content: JSON.stringify({ endpoints }, null, 2) },
        { path: 'lib/shared.js', content: sharedModule(r) },
        ...endpoints.map((_, e) => ({ path: `e${e}.js`, content: adapter(r, e) })),
      ];
      const commit = await api.commit(name, null, 'adapters', changes);
      if (commit.status !== 201) throw new Error(`committing ${name}: ${commit.text}`);
    }
    console.log(`seeded ${REPOSITORIES} repositories in ${fixed((performance.now() - seeding) / 1000)} s; waiting for the projector (registry + precompiled code cache)`);
    // A probe gateway: once it serves every repository, the registry is complete.
    const probePort = await freePort();
    const probe = new AppProcess('gateway', { ...env, DSP_GATEWAY_PORT: String(probePort) }).start();
    processes.push(probe);
    await waitForHttp(`http://127.0.0.1:${probePort}/_dsp/health`, probe, 120_000);
    const deadline = Date.now() + 300_000;
    while ((await health(`http://127.0.0.1:${probePort}`)).repositories < REPOSITORIES) {
      if (Date.now() > deadline) throw new Error('the registry did not reach every repository within 5 minutes');
      await sleep(500);
    }
    await probe.stop();

    const starts: Start[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? (['code cache', 'from source'] as const) : (['from source', 'code cache'] as const)) {
        const start = await startGateway(env, mode, true);
        starts.push(start);
        console.log(
          `round ${round + 1} ${mode.padEnd(11)}: ready ${fixed(start.readyMs)} ms | list ${fixed(start.listMs)} + code ${fixed(start.fetchMs)} + compile ${fixed(start.compileMs)} ms | cache accepted ${start.accepted}, missing ${start.missing} | RSS ready ${fixed(start.rssReadyMb)} MB, warm ${fixed(start.rssWarmMb)} MB`,
        );
      }
    }
    const of = (mode: Start['mode'], pick: (start: Start) => number): number => median(starts.filter((s) => s.mode === mode).map(pick));
    console.log('\nmedians            | ready ms | list ms | code ms | compile ms | RSS ready MB | RSS warm MB | extra warm MB (vs empty)');
    for (const mode of ['code cache', 'from source'] as const) {
      console.log(
        `${mode.padEnd(18)} | ${fixed(of(mode, (s) => s.readyMs)).padStart(8)} | ${fixed(of(mode, (s) => s.listMs)).padStart(7)} | ${fixed(of(mode, (s) => s.fetchMs)).padStart(7)} | ${fixed(of(mode, (s) => s.compileMs)).padStart(10)} | ${fixed(of(mode, (s) => s.rssReadyMb)).padStart(12)} | ${fixed(of(mode, (s) => s.rssWarmMb)).padStart(11)} | ${fixed(of(mode, (s) => s.rssWarmMb) - empty.rssReadyMb).padStart(8)}`,
      );
    }
    const compileCached = of('code cache', (s) => s.compileMs);
    const compileSource = of('from source', (s) => s.compileMs);
    const extra = of('code cache', (s) => s.rssWarmMb) - empty.rssReadyMb;
    console.log(`compile phase, code cache / from source: ${fixed(compileCached / compileSource, 2)}x; code + compile: ${fixed((compileCached + of('code cache', (s) => s.fetchMs)) / (compileSource + of('from source', (s) => s.fetchMs)), 2)}x`);
    console.log(`target: ready within ${TARGET_READY_MS} ms once the scripts are loaded (compile phase, code cache): ${compileCached < TARGET_READY_MS ? 'PASS' : 'FAIL'} (${fixed(compileCached)} ms)`);
    console.log(`target: at most ${TARGET_EXTRA_MB} MB extra for ${REPOSITORIES * ENDPOINTS} warm endpoints: ${extra <= TARGET_EXTRA_MB ? 'PASS' : 'FAIL'} (${fixed(extra)} MB)`);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
