/**
 * `dsp push [dir] -m <message>`: commit the local folder as the new state of a branch.
 * Reads the branch's tree, sends only what differs (by git blob id), and names the head it read
 * as the parent, so a concurrent commit makes this one fail with a conflict instead of being lost.
 */
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from '../cli.context';
import type { CreateCommitRequest, FileChangeRequest } from '../control-api.type';
import { CliError } from '../errors/cli.error';
import { shortSha, statusLetter } from '../output/commit-format.util';
import { gitBlobId } from '../push/blob-id.adapter';
import { planChanges, type PlannedChange } from '../push/changes.util';
import { readLocalFolder, type LocalFile } from '../push/local-files.util';

interface PushOptions {
  message: string;
  branch?: string;
  author?: string;
}

export function registerPushCommand(program: Command, context: CliContext): void {
  program
    .command('push')
    .description('commit the files of a folder to a branch (adds, modifies and deletes to match it)')
    .argument('[dir]', 'folder to push (default: the folder holding .dsp/, else the current one)')
    .requiredOption('-m, --message <message>', 'commit message')
    .option('-b, --branch <branch>', 'branch to commit to (default: the config branch, else main)')
    .option('--author <author>', 'commit author as "Name <email>" (default: DSP_AUTHOR_NAME/EMAIL, git config, OS user)')
    .action((dir: string | undefined, options: PushOptions) => runPush(context, dir, options));
}

async function runPush(context: CliContext, dir: string | undefined, options: PushOptions): Promise<void> {
  const { io } = context;
  if (!options.message.trim()) throw new CliError('the commit message (-m) is empty');
  const startDir = dir === undefined ? io.cwd : resolve(io.cwd, dir);
  const { client, repo, settings } = await context.connect(startDir);
  const root = dir === undefined ? (settings.root ?? io.cwd) : startDir;
  const branch = options.branch ?? settings.branch;
  const author = context.author(options.author, root);

  const isFolder = await stat(root).then((info) => info.isDirectory(), () => false);
  if (!isFolder) throw new CliError(`${root} is not a folder`);
  const folder = await readLocalFolder(root);
  for (const entry of folder.skipped) context.warn(`skipped ${entry.path} (${entry.reason})`);
  const local = await Promise.all(folder.files.map(async (file) => ({ ...file, blob: await gitBlobId(file.content) })));

  const tree = await client.getTree(repo, branch);
  const planned = planChanges(local, tree.files);
  if (planned.length === 0) {
    const head = tree.commit ? ` at ${shortSha(tree.commit)}` : '';
    context.emit({ commit: null, branch, head: tree.commit, changes: [] }, [`Nothing to commit: ${branch}${head} already matches ${root}`]);
    return;
  }
  if (local.length === 0) {
    // Almost always a wrong folder, not a wish to empty the repository.
    throw new CliError(`${root} has no files to push; pushing it would delete all ${tree.files.length} files of ${branch}`);
  }

  const request: CreateCommitRequest = {
    branch,
    parent: tree.commit,
    message: options.message,
    author,
    changes: toRequestChanges(planned, local),
  };
  const created = await client.createCommit(repo, request);
  context.emit(created, [
    `[${created.branch} ${shortSha(created.commit)}] ${options.message.split('\n', 1)[0] ?? ''}`,
    ...created.changes.map((change) => ` ${statusLetter(change.status)} ${change.path}`),
  ]);
}

function toRequestChanges(planned: readonly PlannedChange[], local: readonly LocalFile[]): FileChangeRequest[] {
  const contents = new Map(local.map((file) => [file.path, file.content]));
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const notText: string[] = [];
  const changes = planned.map((change): FileChangeRequest => {
    if (change.status === 'deleted') return { path: change.path, delete: true };
    try {
      return { path: change.path, content: utf8.decode(contents.get(change.path)) };
    } catch {
      notText.push(change.path);
      return { path: change.path, content: '' };
    }
  });
  if (notText.length > 0) {
    // The API carries content as JSON strings; sending binary would corrupt it silently.
    throw new CliError(`only UTF-8 text files can be pushed; ${notText.length} file(s) are not:`, {
      code: 'local',
      lines: notText,
    });
  }
  return changes;
}
