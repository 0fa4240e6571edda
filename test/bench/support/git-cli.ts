/**
 * The stock git client for the version-control benchmark: a fast-import stream of a recorded
 * history, and timed runs of git commands (wall time including process spawn, and git's own
 * in-process time from GIT_TRACE_PERFORMANCE).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Author, FileWrite } from './vcs-history';

export interface GitRun {
  stdout: Buffer;
  stderr: string;
  code: number;
  /** Wall time from spawn to exit, as the bench process saw it. */
  wallMs: number;
  /** git's own measurement of the command (GIT_TRACE_PERFORMANCE), NaN if it did not say. */
  inProcessMs: number;
}

export class GitCli {
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly dir: string,
    home: string,
  ) {
    this.env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      LANG: 'C',
      LC_ALL: 'C',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TRACE_PERFORMANCE: '2',
    };
  }

  run(args: string[], options: { input?: string | Buffer; stdinFile?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<GitRun> {
    return new Promise((resolve, reject) => {
      const stdinFd = options.stdinFile ? openSync(options.stdinFile, 'r') : null;
      const started = performance.now();
      const child = spawn('git', args, {
        cwd: options.cwd ?? this.dir,
        env: { ...this.env, ...options.env },
        stdio: [stdinFd ?? (options.input === undefined ? 'ignore' : 'pipe'), 'pipe', 'pipe'],
      });
      // A command that does not read its input may exit first: that is not an error here.
      child.stdin?.on('error', () => undefined);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
      child.once('error', (error) => {
        if (stdinFd !== null) closeSync(stdinFd);
        reject(error);
      });
      child.once('close', (code) => {
        const wallMs = performance.now() - started;
        if (stdinFd !== null) closeSync(stdinFd);
        const stderrText = Buffer.concat(err).toString('utf8');
        const perf = /performance: ([0-9.]+) s: git command:/.exec(stderrText);
        const stderr = stderrText
          .split('\n')
          .filter((line) => !/^\d\d:\d\d:\d\d\.\d+ \S+:\d+ +performance:/.test(line) && !line.includes('performance: '))
          .join('\n')
          .trim();
        resolve({ stdout: Buffer.concat(out), stderr, code: code ?? 1, wallMs, inProcessMs: perf?.[1] ? Number(perf[1]) * 1000 : NaN });
      });
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }

  /** Runs and fails loudly on a non-zero exit. */
  async ok(args: string[], options: { input?: string | Buffer; stdinFile?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<GitRun> {
    const result = await this.run(args, options);
    if (result.code !== 0) throw new Error(`git ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result;
  }
}

export interface RecordedCommit {
  /** fast-import mark (1-based, in creation order). */
  mark: number;
  branch: string;
  /** Mark of the first parent, or null for the root commit. */
  parentMark: number | null;
  author: Author;
  timestamp: number;
  /** The message as the platform stored it (git's whitespace cleanup applied, trailing newline). */
  message: string;
  changes: FileWrite[];
}

/** Writes a `git fast-import` stream of the history to `file`. */
export function writeFastImportStream(file: string, commits: readonly RecordedCommit[]): void {
  const fd = openSync(file, 'w');
  try {
    const data = (text: string): string => `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
    for (const c of commits) {
      const who = `${c.author.name} <${c.author.email}> ${c.timestamp} +0000`;
      let chunk = `commit refs/heads/${c.branch}\nmark :${c.mark}\nauthor ${who}\ncommitter ${who}\n${data(c.message)}`;
      if (c.parentMark !== null) chunk += `from :${c.parentMark}\n`;
      for (const change of c.changes) chunk += `M 100644 inline ${change.path}\n${data(change.content)}`;
      writeSync(fd, `${chunk}\n`);
    }
    writeSync(fd, 'done\n');
  } finally {
    closeSync(fd);
  }
}
