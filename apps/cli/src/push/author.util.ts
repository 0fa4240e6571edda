/** Who a push is committed as: `--author`, else DSP_AUTHOR_*, else git's config, else the OS user. */
import type { CommitAuthor } from '../control-api.type';
import { CliError } from '../errors/cli.error';

export interface AuthorSources {
  env: Readonly<Record<string, string | undefined>>;
  /** `git config --get <key>`, or undefined when git or the key is missing. */
  gitConfig: (key: 'user.name' | 'user.email') => string | undefined;
  osUserName: () => string;
}

/** Parses `Name <email>`. */
export function parseAuthor(text: string): CommitAuthor {
  const match = /^\s*([^<>]*?)\s*<([^<>\s]+)>\s*$/.exec(text);
  const name = match?.[1];
  const email = match?.[2];
  if (!name || !email) throw new CliError(`--author must look like "Name <email>", got '${text}'`);
  return { name, email };
}

export function defaultAuthor(sources: AuthorSources): CommitAuthor {
  const env = (key: string) => {
    const value = sources.env[key]?.trim();
    return value ? value : undefined;
  };
  let osUser: string | undefined;
  const user = () => (osUser ??= sources.osUserName());
  return {
    name: env('DSP_AUTHOR_NAME') ?? sources.gitConfig('user.name') ?? user(),
    email: env('DSP_AUTHOR_EMAIL') ?? sources.gitConfig('user.email') ?? `${user()}@localhost`,
  };
}
