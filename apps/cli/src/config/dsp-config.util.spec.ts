import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../errors/cli.error';
import { findConfig, parseConfig, resolveSettings, type FoundConfig } from './dsp-config.util';

const found: FoundConfig = {
  root: '/work/scripts',
  path: '/work/scripts/.dsp/config.json',
  config: { server: 'http://config:1', repo: 'config-repo', branch: 'develop', token: 'config-token' },
};

describe('resolveSettings', () => {
  it('takes flags over environment over config file', () => {
    const settings = resolveSettings(
      { server: 'http://flag:1', token: 'flag-token', repo: 'flag-repo' },
      { DSP_URL: 'http://env:1', DSP_TOKEN: 'env-token', DSP_REPO: 'env-repo' },
      found,
    );
    expect(settings).toEqual({
      server: 'http://flag:1',
      token: 'flag-token',
      repo: 'flag-repo',
      branch: 'develop',
      root: '/work/scripts',
    });
  });

  it('takes environment over config file', () => {
    const settings = resolveSettings({}, { DSP_URL: 'http://env:1', DSP_TOKEN: 'env-token', DSP_REPO: 'env-repo' }, found);
    expect(settings).toMatchObject({ server: 'http://env:1', token: 'env-token', repo: 'env-repo' });
  });

  it('uses the config file when flags and environment are silent (empty env values count as unset)', () => {
    const settings = resolveSettings({}, { DSP_REPO: '' }, found);
    expect(settings).toMatchObject({ server: 'http://config:1', token: 'config-token', repo: 'config-repo' });
  });

  it('defaults to the local server, main and no repository', () => {
    expect(resolveSettings({}, {}, undefined)).toEqual({
      server: 'http://127.0.0.1:7070',
      token: undefined,
      repo: undefined,
      branch: 'main',
      root: undefined,
    });
  });

  it('drops trailing slashes and refuses URLs that are not http(s)', () => {
    expect(resolveSettings({ server: 'http://host:7070/' }, {}, undefined).server).toBe('http://host:7070');
    expect(() => resolveSettings({ server: 'host:7070' }, {}, undefined)).toThrow(/must start with http/);
    expect(() => resolveSettings({ server: 'not a url' }, {}, undefined)).toThrow(CliError);
  });
});

describe('parseConfig', () => {
  it('names the file when it is not JSON or has a wrongly typed field', () => {
    expect(() => parseConfig('{ nope', '/x/.dsp/config.json')).toThrow(/\/x\/\.dsp\/config\.json is not valid JSON/);
    expect(() => parseConfig('{ "repo": 42 }', '/x/.dsp/config.json')).toThrow(/"repo" must be a string/);
  });
});

describe('findConfig', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dsp-cli-config-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the nearest .dsp/config.json in a folder above', async () => {
    await mkdir(join(root, '.dsp'));
    await writeFile(join(root, '.dsp', 'config.json'), '{ "repo": "outer" }');
    await mkdir(join(root, 'inner', '.dsp'), { recursive: true });
    await writeFile(join(root, 'inner', '.dsp', 'config.json'), '{ "repo": "inner" }');
    await mkdir(join(root, 'inner', 'lib', 'deep'), { recursive: true });
    await mkdir(join(root, 'other'));

    expect(await findConfig(join(root, 'inner', 'lib', 'deep'))).toEqual({
      root: join(root, 'inner'),
      path: join(root, 'inner', '.dsp', 'config.json'),
      config: { repo: 'inner' },
    });
    expect((await findConfig(join(root, 'other')))?.config).toEqual({ repo: 'outer' });
  });
});
