/** Per-run state shared by the commands: global options, settings, the client and output. */
import type { CliIo } from './cli-io.type';
import { findConfig, resolveSettings, type Settings } from './config/dsp-config.util';
import type { CommitAuthor } from './control-api.type';
import { ControlClient } from './control-client';
import { CliError } from './errors/cli.error';
import { defaultAuthor, parseAuthor } from './push/author.util';

export interface GlobalOptions {
  server?: string;
  token?: string;
  repo?: string;
  json?: boolean;
}

export interface RepositoryConnection {
  client: ControlClient;
  repo: string;
  settings: Settings;
}

export class CliContext {
  constructor(
    readonly io: CliIo,
    private readonly globalOptions: () => GlobalOptions,
  ) {}

  get options(): GlobalOptions {
    return this.globalOptions();
  }

  get json(): boolean {
    return this.options.json === true;
  }

  /** Settings for work in `startDir`: its nearest `.dsp/config.json` fills what flags and env leave open. */
  async settings(startDir: string = this.io.cwd): Promise<Settings> {
    const { server, token, repo } = this.options;
    return resolveSettings({ server, token, repo }, this.io.env, await findConfig(startDir));
  }

  client(settings: Settings): ControlClient {
    return new ControlClient({ baseUrl: settings.server, token: settings.token });
  }

  /** For commands that work on one repository. */
  async connect(startDir?: string): Promise<RepositoryConnection> {
    const settings = await this.settings(startDir);
    if (!settings.repo) {
      throw new CliError('no repository given: pass --repo <name>, set DSP_REPO, or run inside a folder made by dsp init');
    }
    return { client: this.client(settings), repo: settings.repo, settings };
  }

  /** Who a new commit is made as: `--author` when given, else DSP_AUTHOR_*, git config in `root`, the OS user. */
  author(option: string | undefined, root: string): CommitAuthor {
    if (option) return parseAuthor(option);
    const { io } = this;
    return defaultAuthor({ env: io.env, gitConfig: (key) => io.gitConfig(key, root), osUserName: () => io.osUserName() });
  }

  /** Prints the JSON document under --json, the human lines otherwise. */
  emit(document: unknown, human: readonly string[]): void {
    if (this.json) this.io.writeOut(`${JSON.stringify(document, null, 2)}\n`);
    else if (human.length > 0) this.io.writeOut(`${human.join('\n')}\n`);
  }

  warn(message: string): void {
    this.io.writeErr(`dsp: warning: ${message}\n`);
  }
}
