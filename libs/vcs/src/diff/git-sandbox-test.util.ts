/**
 * Shared by the diff and blame int-specs: a throwaway git repository in a temp folder that ignores
 * the user's and the system's git config, with pinned author and committer dates so that commit
 * ids are the same on every run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const T0 = 1_700_000_000;

export class GitSandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'dsp-vcs-git-'));
  private commits = 0;

  constructor() {
    this.git(['init', '-q', '-b', 'main', '.']);
  }

  git(args: readonly string[], input?: string): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      ...(input === undefined ? {} : { input }),
      maxBuffer: 64 * 1024 * 1024,
      env: this.env(),
    });
  }

  /** `git diff --no-index` of two texts (outside the repository's history), with `context` lines of context. */
  diffTexts(before: string, after: string, context = 0): string {
    const scratch = join(this.dir, '.git', 'dsp-diff');
    mkdirSync(scratch, { recursive: true });
    writeFileSync(join(scratch, 'old'), before, 'utf8');
    writeFileSync(join(scratch, 'new'), after, 'utf8');
    const run = spawnSync('git', ['diff', '--no-index', '--no-color', `-U${context}`, 'old', 'new'], { cwd: scratch, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: this.env() });
    // Exit status 1 means "the files differ", 0 "they are the same"; anything else is a failure.
    if (run.status !== (before === after ? 0 : 1)) throw new Error(`git diff --no-index exited with ${String(run.status)}: ${run.stderr}`);
    return run.stdout;
  }

  private env(): NodeJS.ProcessEnv {
    const date = `@${T0 + this.commits * 60} +0000`;
    return {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: this.dir,
        LANG: 'C',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: 'Ada Lovelace',
        GIT_AUTHOR_EMAIL: 'ada@example.com',
        GIT_COMMITTER_NAME: 'Ada Lovelace',
        GIT_COMMITTER_EMAIL: 'ada@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
    };
  }

  /** Writes (string) or deletes (null) files, commits everything and returns the commit id. */
  commit(files: ReadonlyMap<string, string | null>, message = `commit ${this.commits + 1}`): string {
    for (const [path, content] of files) {
      const file = join(this.dir, path);
      if (content === null) {
        rmSync(file, { force: true });
      } else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content, 'utf8');
      }
    }
    this.git(['add', '-A', '.']);
    this.git(['commit', '-q', '--allow-empty', '-m', message]);
    this.commits++;
    return this.git(['rev-parse', 'HEAD']).trim();
  }

  /** git's blob id of `content` (what `git hash-object` prints), computed here to spare a process per file. */
  blobOf(content: string): string {
    const bytes = Buffer.from(content, 'utf8');
    return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
