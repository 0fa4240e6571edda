/** `dsp init [dir] --repo <name>`: make a folder a DSP working folder. Works offline. */
import type { Command } from 'commander';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CliContext } from '../cli.context';
import {
  checkServerUrl,
  CONFIG_DIR,
  CONFIG_FILE,
  DEFAULT_BRANCH,
  DEFAULT_SERVER,
  parseConfig,
} from '../config/dsp-config.util';
import { CliError } from '../errors/cli.error';

export function registerInitCommand(program: Command, context: CliContext): void {
  program
    .command('init')
    .description('create .dsp/config.json (and a sample endpoint) in a folder; does not contact the server')
    .argument('[dir]', 'folder to initialize (created if missing)', '.')
    .addHelpText('after', '\nThe repository comes from --repo (or DSP_REPO); the server from --server, DSP_URL or the default.')
    .action((dir: string) => runInit(context, dir));
}

async function runInit(context: CliContext, dir: string): Promise<void> {
  const { io } = context;
  const repo = (context.options.repo ?? io.env.DSP_REPO)?.trim();
  if (!repo) throw new CliError('dsp init needs a repository name: dsp init [dir] --repo <name>');
  if (/[\s/]/.test(repo)) throw new CliError(`repository name '${repo}' must not contain spaces or '/'`);
  const server = checkServerUrl(context.options.server ?? (io.env.DSP_URL?.trim() || DEFAULT_SERVER));

  const root = resolve(io.cwd, dir);
  const configPath = join(root, CONFIG_DIR, CONFIG_FILE);
  await mkdir(join(root, CONFIG_DIR), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(`cannot create ${join(root, CONFIG_DIR)}: ${error.message}`, { code: 'local' });
  });

  // Re-running init updates server and repo but keeps a branch the user chose.
  const previousText = await readFile(configPath, 'utf8').catch(() => undefined);
  const previous = previousText === undefined ? undefined : parseConfig(previousText, configPath);
  const config = { server, repo, branch: previous?.branch ?? DEFAULT_BRANCH };
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);

  const created: string[] = [];
  const manifest = { endpoints: [{ method: 'GET', path: `/${repo}/hello/:name`, script: 'hello.js' }] };
  if (await writeIfAbsent(join(root, 'dsp.json'), `${JSON.stringify(manifest, null, 2)}\n`)) created.push('dsp.json');
  const script = 'export default async (request, ctx) => ({ status: 200, body: { hello: request.params.name } });\n';
  if (await writeIfAbsent(join(root, 'hello.js'), script)) created.push('hello.js');

  context.emit({ dir: root, config, created, reinitialized: previous !== undefined }, [
    `${previous ? 'Reinitialized' : 'Initialized'} ${root} for repository ${repo} on ${server}`,
    ...created.map((path) => `  created ${path}`),
    `Next: dsp repo create ${repo} (once), then dsp push -m "first commit"`,
  ]);
}

/** Writes a file unless something is already there; true when it wrote. */
async function writeIfAbsent(path: string, content: string): Promise<boolean> {
  try {
    await writeFile(path, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`, { code: 'local' });
  }
}
