/**
 * The README's five-minute walk-through, verbatim in spirit: `npm start` (embedded mode, no Kafka
 * or Cassandra), then the `dsp` CLI and curl-like device calls. Proves the front door works.
 */
import { execFile } from 'node:child_process';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/platform-processes';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

describe('README walk-through on the embedded platform', () => {
  const work = mkdtempSync(join(tmpdir(), 'dsp-readme-'));
  const token = 'readme-token';
  let platform: ChildProcess;
  let output = '';
  let controlUrl = '';
  let gatewayUrl = '';

  const dsp = async (args: string[], cwd = work): Promise<string> => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'bin', 'dsp.js'), ...args], {
      cwd,
      env: { ...process.env, DSP_URL: controlUrl, DSP_TOKEN: token, DSP_AUTHOR_NAME: 'Ada', DSP_AUTHOR_EMAIL: 'ada@example.com' },
    });
    return stdout;
  };
  const device = async (path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${gatewayUrl}${path}`, { headers });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    const [control, gateway, services] = [await freePort(), await freePort(), await freePort()];
    controlUrl = `http://127.0.0.1:${control}`;
    gatewayUrl = `http://127.0.0.1:${gateway}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DSP_DATA_DIR: join(work, 'data'), DSP_ADMIN_TOKEN: token, DSP_CONTROL_PORT: String(control), DSP_GATEWAY_PORT: String(gateway), DSP_DEMO_SERVICES_PORT: String(services) };
    delete env.DSP_KAFKA_BROKERS;
    delete env.DSP_CASSANDRA_CONTACT_POINTS;
    platform = spawn(process.execPath, ['--no-node-snapshot', join(ROOT, 'dist', 'apps', 'platform', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    platform.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    platform.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!output.includes('DSP is running')) {
      if (platform.exitCode !== null || Date.now() > deadline) throw new Error(`platform did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  afterAll(() => {
    platform?.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  });

  it('prints the URLs and the admin token', () => {
    expect(output).toContain(`management API  ${controlUrl}/v1`);
    expect(output).toContain(`device gateway  ${gatewayUrl}`);
    expect(output).toContain(`admin token     ${token}`);
  });

  it('serves the example repository out of the box', async () => {
    expect(await device('/demo/titles/1')).toEqual({ status: 200, body: { id: '1', name: 'The Orbit', year: 2021, stars: 4.4 } });
    expect(await dsp(['log', '--repo', 'demo'])).toContain('Add the example endpoints');
  });

  it('commits, serves, changes, diffs and serves the new answer', async () => {
    await dsp(['repo', 'create', 'tv']);
    await dsp(['init', 'tv', '--repo', 'tv', '--server', controlUrl]);
    const folder = join(work, 'tv');
    expect(await dsp(['push', '-m', 'Say hello'], folder)).toMatch(/^\[main [0-9a-f]{7}\] Say hello/);
    await expectEventually(async () => expect(await device('/tv/hello/ada')).toEqual({ status: 200, body: { hello: 'ada' } }));

    writeFileSync(join(folder, 'hello.js'), readFileSync(join(folder, 'hello.js'), 'utf8').replace('hello:', 'greeting:'));
    await dsp(['push', '-m', 'Greet instead'], folder);
    const diff = await dsp(['diff', 'main~1', 'main'], folder);
    expect(diff).toContain('diff --git a/hello.js b/hello.js');
    expect(diff).toMatch(/^-.*hello: request\.params\.name/m);
    expect(diff).toMatch(/^\+.*greeting: request\.params\.name/m);
    await expectEventually(async () => expect(await device('/tv/hello/ada')).toEqual({ status: 200, body: { greeting: 'ada' } }));

    expect(await dsp(['show', 'main~1:hello.js'], folder)).toContain('hello: request.params.name');
    expect(await dsp(['endpoints'], folder)).toMatch(/GET\s+\/tv\/hello\/:name\s+hello\.js/);
    const log = await dsp(['log'], folder);
    expect(log.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('branches, previews, merges, rolls back and forward as the README shows', async () => {
    const folder = join(work, 'tv');
    await dsp(['branch', 'create', 'shout'], folder);
    writeFileSync(join(folder, 'hello.js'), readFileSync(join(folder, 'hello.js'), 'utf8').replace('request.params.name', 'request.params.name.toUpperCase()'));
    await dsp(['push', '-m', 'Shout', '--branch', 'shout'], folder);
    await expectEventually(async () => expect(await device('/tv/hello/ada', { 'X-DSP-Ref': 'tv@shout' })).toEqual({ status: 200, body: { greeting: 'ADA' } }));
    expect(await device('/tv/hello/ada')).toEqual({ status: 200, body: { greeting: 'ada' } });
    expect(await dsp(['diff', 'main..shout', '--endpoints'], folder)).toContain('GET /tv/hello/:name');
    expect(await dsp(['merge', 'shout'], folder)).toMatch(/fast-forward/i);
    await expectEventually(async () => expect(await device('/tv/hello/ada')).toEqual({ status: 200, body: { greeting: 'ADA' } }));
    await dsp(['rollback', 'main~1', '--reason', 'try the old one'], folder);
    await expectEventually(async () => expect(await device('/tv/hello/ada')).toEqual({ status: 200, body: { greeting: 'ada' } }));
    await dsp(['rollforward', '--reason', 'back to head'], folder);
    await expectEventually(async () => expect(await device('/tv/hello/ada')).toEqual({ status: 200, body: { greeting: 'ADA' } }));
    const deployments = await dsp(['deployments'], folder);
    expect(deployments).toContain('try the old one');
    expect(deployments).toContain('back to head');
  });
});

async function expectEventually(assertion: () => Promise<void>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}