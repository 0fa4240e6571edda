/** `dsp show <rev>` (a commit) and `dsp show <rev>:<path>` (a file's raw content). */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import { CliError } from '../errors/cli.error';
import { formatIdentityDate, statusLetter } from '../output/commit-format.util';

export function registerShowCommand(program: Command, context: CliContext): void {
  program
    .command('show')
    .description('show a commit (<rev>) or the content of a file at a revision (<rev>:<path>)')
    .argument('<object>', '<rev> or <rev>:<path>, e.g. main, 1a2b3c4, main:hello.js')
    .action((object: string) => runShow(context, object));
}

export function parseShowObject(object: string): { rev: string; path?: string } {
  const colon = object.indexOf(':');
  if (colon === -1) return { rev: object };
  const rev = object.slice(0, colon);
  const path = object.slice(colon + 1).replace(/^(\.\/|\/)+/, '');
  if (!rev) throw new CliError(`'${object}': give a revision before ':' (e.g. main:${path || 'hello.js'})`);
  if (!path) throw new CliError(`'${object}': give a file path after ':' (e.g. ${rev}:hello.js)`);
  return { rev, path };
}

async function runShow(context: CliContext, object: string): Promise<void> {
  const { rev, path } = parseShowObject(object);
  const { client, repo } = await context.connect();

  if (path !== undefined) {
    const content = await client.readFile(repo, path, rev);
    if (context.json) context.emit({ rev, path, content: new TextDecoder().decode(content) }, []);
    else context.io.writeOut(content);
    return;
  }

  const commit = await client.getCommit(repo, rev);
  const lines = [`commit ${commit.commit}`];
  if (commit.parents.length > 1) lines.push(`Merge: ${commit.parents.map((parent) => parent.slice(0, 7)).join(' ')}`);
  lines.push(
    `Author: ${commit.author.name} <${commit.author.email}>`,
    `Date:   ${formatIdentityDate(commit.author, true)}`,
    '',
    ...commit.message.replace(/\n+$/, '').split('\n').map((line) => `    ${line}`),
  );
  if (commit.changes.length > 0) {
    lines.push('', ...commit.changes.map((change) => ` ${statusLetter(change.status)} ${change.path}`));
  }
  context.emit(commit, lines);
}
