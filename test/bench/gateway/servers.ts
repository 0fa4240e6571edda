/**
 * The servers under test, each in its own process: the whole DSP platform in embedded mode
 * (control API, projector, one gateway, demo services; no Kafka or Cassandra), and the reference
 * servers answering the same JSON as the trivial script: a bare Fastify handler, and a Fastify
 * route calling a warm isolate.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ControlApi } from '../../e2e/support/control-api';
import { freePort } from '../../e2e/support/platform-processes';
import { type Child, type ChildGroup, waitUntil } from './child-processes';

const ROOT = join(__dirname, '..', '..', '..');
/** The compiled platform the benchmarks start: `dist/` by default; DSP_DIST_DIR points at a private build (e.g. one not shared with concurrent edits). */
const DIST = process.env.DSP_DIST_DIR ? resolve(process.env.DSP_DIST_DIR) : join(ROOT, 'dist');

/** The trivial endpoint of the issue: same JSON body from the gateway and from bare Fastify. */
export const TRIVIAL_SCRIPT = "export default async () => ({ status: 200, body: { hello: 'world' } });\n";
export const TRIVIAL_BODY = JSON.stringify({ hello: 'world' });

export interface EmbeddedPlatform {
  child: Child;
  api: ControlApi;
  gatewayUrl: string;
  stop(): Promise<void>;
}

export interface EndpointSpec {
  method: 'GET';
  path: string;
  script: string;
  timeoutMs?: number;
}

/**
 * Starts `node --no-node-snapshot dist/apps/platform/main.js` (or under DSP_DIST_DIR) on free ports and a fresh data
 * directory (removed again by stop()). Kafka/Cassandra variables are removed from its environment
 * so it always runs embedded.
 */
export async function startEmbeddedPlatform(group: ChildGroup, options: { name?: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<EmbeddedPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'dsp-bench-'));
  const [controlPort, gatewayPort, demoPort] = [await freePort(), await freePort(), await freePort()];
  const token = `bench-${process.pid}-${Date.now()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DSP_DATA_DIR: dataDir,
    DSP_ADMIN_TOKEN: token,
    DSP_HOST: '127.0.0.1',
    DSP_CONTROL_PORT: String(controlPort),
    DSP_GATEWAY_PORT: String(gatewayPort),
    DSP_DEMO_SERVICES_PORT: String(demoPort),
    DSP_LOG_LEVEL: 'warn',
    ...options.env,
  };
  delete env.DSP_KAFKA_BROKERS;
  delete env.DSP_CASSANDRA_CONTACT_POINTS;
  const child = group.spawnNode(options.name ?? 'platform', [...(options.nodeArgs ?? []), '--no-node-snapshot', join(DIST, 'apps', 'platform', 'main.js')], env);
  const api = new ControlApi(`http://127.0.0.1:${controlPort}`, token);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
  const removeOnExit = (): void => rmSync(dataDir, { recursive: true, force: true });
  process.once('exit', removeOnExit); // also when the benchmark dies before stop()
  const stop = async (): Promise<void> => {
    await child.stop();
    await rm(dataDir, { recursive: true, force: true });
    process.removeListener('exit', removeOnExit);
  };
  try {
    await waitUntil('control API ready', child, async () => (await fetch(`${api.baseUrl}/healthz`)).ok);
    await waitUntil('gateway ready', child, async () => (await fetch(`${gatewayUrl}/_dsp/health`)).ok);
  } catch (error) {
    await stop();
    throw error;
  }
  return { child, api, gatewayUrl, stop };
}

/**
 * Creates `repository` with a manifest and scripts on main, and waits until the gateway serves
 * the new commit on `probePath` (X-DSP-Commit equals it, whatever the status). Returns the commit.
 */
export async function deployRepository(platform: EmbeddedPlatform, repository: string, endpoints: EndpointSpec[], scripts: Record<string, string>): Promise<string> {
  const created = await platform.api.request('POST', '/v1/repos', { name: repository });
  if (created.status !== 201) throw new Error(`cannot create repository ${repository}: ${created.status} ${created.text}`);
  const changes = [{ path: 'dsp.json', content: JSON.stringify({ endpoints }, null, 2) }, ...Object.entries(scripts).map(([path, content]) => ({ path, content }))];
  const committed = await platform.api.commit(repository, null, `Benchmark endpoints of ${repository}`, changes);
  if (committed.status !== 201) throw new Error(`cannot commit to ${repository}: ${committed.status} ${committed.text}`);
  const commit = committed.body.commit;
  const probe = endpoints[0];
  if (!probe) return commit;
  await waitUntil(`${repository} served at ${commit}`, platform.child, async () => {
    const response = await fetch(`${platform.gatewayUrl}${probe.path}`);
    await response.arrayBuffer();
    return response.headers.get('x-dsp-commit') === commit;
  });
  return commit;
}

export interface BareServer {
  child: Child;
  url: string;
  stop(): Promise<void>;
}

/** Starts bare-fastify.server.ts (through tsx's loader, which only costs at start) with the gateway's Node flags. */
export async function startBareFastify(group: ChildGroup, options: { nodeArgs?: string[] } = {}): Promise<BareServer> {
  return startReferenceServer(group, { name: 'bare-fastify', file: 'bare-fastify.server.ts', portVariable: 'BARE_PORT', nodeArgs: options.nodeArgs });
}

/** Starts isolate-fastify.server.ts (a Fastify route calling one warm isolate per request), like startBareFastify. */
export async function startIsolateFastify(group: ChildGroup, options: { nodeArgs?: string[] } = {}): Promise<BareServer> {
  return startReferenceServer(group, { name: 'isolate-fastify', file: 'isolate-fastify.server.ts', portVariable: 'ISOLATE_PORT', nodeArgs: options.nodeArgs });
}

/** A reference server of this directory on a free port (passed in `portVariable`), ready once it answers /bench/hello. */
async function startReferenceServer(group: ChildGroup, options: { name: string; file: string; portVariable: string; nodeArgs?: string[] }): Promise<BareServer> {
  const port = await freePort();
  const child = group.spawnNode(
    options.name,
    [...(options.nodeArgs ?? []), '--no-node-snapshot', '--import', 'tsx', join(__dirname, options.file)],
    { ...process.env, [options.portVariable]: String(port) },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(`${options.name} ready`, child, async () => (await fetch(`${url}/bench/hello`)).ok, 30_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { child, url, stop: () => child.stop() };
}
