/**
 * git as the oracle for merges and reverts: the same history is built through the platform's
 * command handlers (embedded engines) and through `git merge --no-ff` / `git revert` in a temp
 * repository with pinned dates; every commit id must be equal, which proves the merged and
 * reverted trees equal git's. In the `int` project because it runs the git CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedEventLog, EventRelay } from '@dsp/event-log';
import { EmbeddedEventStore } from '@dsp/store';
import { AllowAllContentPolicy } from '@dsp/testing';
import { CreateBranchHandler } from '../branches/branches.handlers';
import { CreateBranchCommand } from '../branches/branch.commands';
import { CommitChangesCommand, type FileChange } from '../commit-changes.command';
import { CommitChangesHandler } from '../commit-changes.handler';
import { CommitWriter } from '../commit-writer';
import { CreateRepositoryCommand } from '../create-repository.command';
import { CreateRepositoryHandler } from '../create-repository.handler';
import { RepositoryStreams } from '../repository-streams';
import { MergeBranchesCommand } from './merge-branches.command';
import { MergeBranchesHandler } from './merge-branches.handler';
import { RevertCommitCommand } from './revert-commit.command';
import { RevertCommitHandler } from './revert-commit.handler';

const AUTHOR = { name: 'Ada Lovelace', email: 'ada@example.com' };
const T0 = 1_700_000_000;
const lines = (n: number, edit: Record<number, string> = {}): string =>
  Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join('\n') + '\n';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('merges and reverts against git', () => {
  const store = new EmbeddedEventStore(null);
  const streams = new RepositoryStreams(store);
  const writer = new CommitWriter(streams, new AllowAllContentPolicy(), new EventRelay(store, new EmbeddedEventLog()));
  const commit = new CommitChangesHandler(streams, writer);
  const merge = new MergeBranchesHandler(streams, writer);
  const revert = new RevertCommitHandler(streams, writer);
  const branch = new CreateBranchHandler(streams, writer);

  const dir = mkdtempSync(join(tmpdir(), 'dsp-merge-oracle-'));
  dirs.push(dir);
  const git = (args: string[], at = T0): string =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir,
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: AUTHOR.name,
        GIT_AUTHOR_EMAIL: AUTHOR.email,
        GIT_COMMITTER_NAME: AUTHOR.name,
        GIT_COMMITTER_EMAIL: AUTHOR.email,
        GIT_AUTHOR_DATE: `@${at} +0000`,
        GIT_COMMITTER_DATE: `@${at} +0000`,
      },
    }).trim();
  const gitCommit = (onBranch: string, message: string, changes: FileChange[], at: number): string => {
    if (git(['symbolic-ref', '--short', 'HEAD']) !== onBranch) git(['checkout', '-q', onBranch]);
    for (const change of changes) {
      if (change.delete) unlinkSync(join(dir, change.path));
      else writeFileSync(join(dir, change.path), change.content ?? '');
    }
    git(['add', '-A']);
    git(['commit', '-q', '-m', message], at);
    return git(['rev-parse', 'HEAD']);
  };
  const ourCommit = async (onBranch: string, message: string, changes: FileChange[], at: number): Promise<string> => {
    const state = await streams.load('oracle');
    const parent = state.branches.get(onBranch)?.head ?? null;
    return (await commit.execute(new CommitChangesCommand('oracle', onBranch, parent, message, AUTHOR, changes, at))).commit;
  };

  it('gives the same ids as git for commits, a three-way merge commit and reverts (plain and of a merge)', async () => {
    git(['init', '-q', '-b', 'main', '.']);
    await new CreateRepositoryHandler(streams, new EventRelay(store, new EmbeddedEventLog())).execute(new CreateRepositoryCommand('oracle'));
    const base: FileChange[] = [
      { path: 'a.txt', content: lines(12) },
      { path: 'b.txt', content: 'bee\n' },
    ];
    expect(await ourCommit('main', 'Base', base, T0)).toBe(gitCommit('main', 'Base', base, T0));

    await branch.execute(new CreateBranchCommand('oracle', 'feature', 'main'));
    git(['branch', 'feature']);
    const feature: FileChange[] = [
      { path: 'a.txt', content: lines(12, { 2: 'feature two' }) },
      { path: 'c.txt', content: 'sea\n' },
    ];
    expect(await ourCommit('feature', 'Feature work', feature, T0 + 10)).toBe(gitCommit('feature', 'Feature work', feature, T0 + 10));

    const mainWork: FileChange[] = [
      { path: 'a.txt', content: lines(12, { 11: 'main eleven' }) },
      { path: 'b.txt', delete: true },
    ];
    expect(await ourCommit('main', 'Main work', mainWork, T0 + 20)).toBe(gitCommit('main', 'Main work', mainWork, T0 + 20));

    const merged = await merge.execute(new MergeBranchesCommand('oracle', 'feature', 'main', AUTHOR, { message: "Merge branch 'feature'", timestamp: T0 + 30 }));
    if (git(['symbolic-ref', '--short', 'HEAD']) !== 'main') git(['checkout', '-q', 'main']);
    git(['merge', '-q', '--no-ff', '-m', "Merge branch 'feature'", 'feature'], T0 + 30);
    expect(merged.result).toBe('merge');
    expect(merged.commit).toBe(git(['rev-parse', 'HEAD']));

    const revertedMerge = await revert.execute(new RevertCommitCommand('oracle', merged.commit ?? '', 'main', AUTHOR, { mainline: 1, timestamp: T0 + 40 }));
    git(['revert', '--no-edit', '-m', '1', merged.commit ?? ''], T0 + 40);
    expect(revertedMerge.commit).toBe(git(['rev-parse', 'HEAD']));

    const mainWorkId = git(['rev-parse', 'HEAD~2']);
    const revertedPlain = await revert.execute(new RevertCommitCommand('oracle', mainWorkId, 'main', AUTHOR, { timestamp: T0 + 50 }));
    git(['revert', '--no-edit', mainWorkId], T0 + 50);
    expect(revertedPlain.commit).toBe(git(['rev-parse', 'HEAD']));
  });
});
