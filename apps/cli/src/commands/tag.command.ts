/** `dsp tag` (list), `dsp tag create <name> [rev]`, `dsp tag delete <name>`. */
import type { Command } from 'commander';
import type { CliContext } from '../cli.context';
import { CliError } from '../errors/cli.error';
import { shortSha } from '../output/commit-format.util';
import { formatTable } from '../output/table.util';

export function registerTagCommand(program: Command, context: CliContext): void {
  const tag = program
    .command('tag')
    .description('list tags; create and delete them')
    // Without this, a typo like `dsp tag craete x` would only say "too many arguments".
    .allowExcessArguments()
    .action((_options: unknown, command: Command) => {
      const [unknown] = command.args;
      if (unknown !== undefined) throw new CliError(`unknown command 'tag ${unknown}' (see dsp tag --help)`);
      return listTags(context);
    });

  tag
    .command('list')
    .description('list tags (the same as dsp tag)')
    .action(() => listTags(context));

  tag
    .command('create')
    .description('tag a revision')
    .argument('<name>', 'tag name, e.g. v1.2.0')
    .argument('[rev]', 'branch, tag or commit to tag', 'main')
    .action(async (name: string, rev: string) => {
      const { client, repo } = await context.connect();
      const created = await client.createTag(repo, name, rev);
      const at = created.commit ? shortSha(created.commit) : rev;
      context.emit(created, [`Created tag ${created.name} at ${at} (${rev})`]);
    });

  tag
    .command('delete')
    .description('delete a tag')
    .argument('<name>', 'tag name')
    .action(async (name: string) => {
      const { client, repo } = await context.connect();
      await client.deleteTag(repo, name);
      context.emit({ name, deleted: true }, [`Deleted tag ${name}`]);
    });
}

async function listTags(context: CliContext): Promise<void> {
  const { client, repo } = await context.connect();
  const list = await client.listTags(repo);
  const rows = list.tags.map((tag) => [tag.name, shortSha(tag.commit)]);
  context.emit(list, rows.length === 0 ? ['No tags.'] : formatTable(['NAME', 'COMMIT'], rows));
}
