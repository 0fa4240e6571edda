/** `.dsp/config.json`: finding it, reading it, and merging it with flags and environment. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isRecord } from '../is-record.util';
import { CliError } from '../errors/cli.error';

export const CONFIG_DIR = '.dsp';
export const CONFIG_FILE = 'config.json';
export const DEFAULT_SERVER = 'http://127.0.0.1:7070';
export const DEFAULT_BRANCH = 'main';

export interface DspConfig {
  server?: string;
  repo?: string;
  branch?: string;
  token?: string;
}

export interface FoundConfig {
  /** The folder that holds `.dsp/`: the root of the pushed files. */
  root: string;
  path: string;
  config: DspConfig;
}

export interface GlobalFlags {
  server?: string;
  token?: string;
  repo?: string;
}

export interface Settings {
  server: string;
  token: string | undefined;
  repo: string | undefined;
  branch: string;
  /** Folder holding the `.dsp/config.json` that was used, if any. */
  root: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The nearest `.dsp/config.json` in `startDir` or a folder above it. */
export async function findConfig(startDir: string): Promise<FoundConfig | undefined> {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const path = join(dir, CONFIG_DIR, CONFIG_FILE);
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw new CliError(`cannot read ${path}: ${error.message}`, { code: 'config' });
    });
    if (text !== undefined) return { root: dir, path, config: parseConfig(text, path) };
    if (dirname(dir) === dir) return undefined;
  }
}

export function parseConfig(text: string, path: string): DspConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`, { code: 'config' });
  }
  if (!isRecord(value)) throw new CliError(`${path} must hold a JSON object`, { code: 'config' });
  const config: DspConfig = {};
  for (const key of ['server', 'repo', 'branch', 'token'] as const) {
    const field = value[key];
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string') throw new CliError(`${path}: "${key}" must be a string`, { code: 'config' });
    config[key] = field;
  }
  return config;
}

/** Each setting comes from the first of: flag, environment, config file, default. */
export function resolveSettings(flags: GlobalFlags, env: Env, found: FoundConfig | undefined): Settings {
  const config = found?.config ?? {};
  const server = first(flags.server, env.DSP_URL, config.server) ?? DEFAULT_SERVER;
  return {
    server: checkServerUrl(server),
    token: first(flags.token, env.DSP_TOKEN, config.token),
    repo: first(flags.repo, env.DSP_REPO, config.repo),
    branch: first(config.branch) ?? DEFAULT_BRANCH,
    root: found?.root,
  };
}

export function checkServerUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`server URL '${server}' is not a valid URL (expected e.g. ${DEFAULT_SERVER})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`server URL '${server}' must start with http:// or https://`);
  }
  return server.replace(/\/+$/, '');
}

/** Empty strings count as unset, so `DSP_REPO= dsp log` falls through to the config file. */
function first(...values: (string | undefined)[]): string | undefined {
  return values.find((value) => value !== undefined && value.trim() !== '');
}
