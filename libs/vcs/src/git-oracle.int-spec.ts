/**
 * The stock `git` client as the oracle for commit ids, tree ids and diffs: the same history is
 * built through draftCommit -> sealCommit -> decideCommit (as CommitChangesHandler does) and
 * through `git commit` in a temp repository, with the same files, author and pinned dates.
 * In the `int` project because it runs the git CLI; it needs no Kafka or Cassandra.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepositoryEventV1 } from '@dsp/contracts';
import { CommitChangesCommand, type FileChange } from './commit-changes.command';
import { draftCommit } from './commit-draft';
import { sealCommit } from './commit-sealer';
import { decideCommit } from './repository.decider';
import { fold, type FileState, type RepositoryState } from './repository.state';
import { unifiedDiff } from './unified-diff';

const REPOSITORY = 'oracle';
const AUTHOR = { name: 'Grace Hopper', email: 'grace@example.com' };
const T0 = 1_700_000_000;
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

interface CommitStep {
  message: string;
  changes: FileChange[];
}

interface BuiltCommit {
  dsp: { commit: string; tree: string; trees: Record<string, string> };
  git: { commit: string; tree: string };
  files: ReadonlyMap<string, FileState>;
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A git repository in a temp folder that ignores the user's and the system's git config. */
class GitOracle {
  readonly dir = mkdtempSync(join(tmpdir(), 'dsp-git-oracle-'));

  constructor() {
    tempDirs.push(this.dir);
    this.git(['init', '-q', '-b', 'main', '.']);
  }

  git(args: string[], timestamp = T0): string {
    const date = `@${timestamp} +0000`;
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: this.dir,
        LANG: 'C',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_AUTHOR_NAME: AUTHOR.name,
        GIT_AUTHOR_EMAIL: AUTHOR.email,
        GIT_COMMITTER_NAME: AUTHOR.name,
        GIT_COMMITTER_EMAIL: AUTHOR.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
      },
    });
  }

  commit(step: CommitStep, timestamp: number): { commit: string; tree: string } {
    for (const change of step.changes) {
      const file = join(this.dir, change.path);
      if (change.delete) {
        rmSync(file);
      } else {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, change.content ?? '', 'utf8');
      }
    }
    this.git(['add', '-A']);
    this.git(['commit', '-q', '-m', step.message], timestamp);
    return { commit: this.git(['rev-parse', 'HEAD']).trim(), tree: this.git(['rev-parse', 'HEAD^{tree}']).trim() };
  }

  diff(a: string, b: string): string {
    return this.git(['-c', 'core.abbrev=7', 'diff', a, b]);
  }
}

/** Builds the same history through the platform's decider and through git; commit i is at T0 + 60 i. */
async function buildHistory(steps: CommitStep[], oracle = new GitOracle()): Promise<{ commits: BuiltCommit[]; oracle: GitOracle; state: RepositoryState }> {
  let state = fold([{ type: 'RepositoryCreated', data: { repository: REPOSITORY, createdAt: new Date(T0 * 1000).toISOString() } }]);
  const commits: BuiltCommit[] = [];
  for (const [i, step] of steps.entries()) {
    const timestamp = T0 + 60 * i;
    const parent = state.branches.get('main')?.head ?? null;
    const command = new CommitChangesCommand(REPOSITORY, 'main', parent, step.message, AUTHOR, step.changes, timestamp, 0);
    const draft = draftCommit(state, command);
    const sealed = await sealCommit(command, draft);
    const events: RepositoryEventV1[] = decideCommit(state, command, draft, sealed);
    state = fold(events, state);
    const files = state.commits.get(sealed.commit)?.files ?? new Map<string, FileState>();
    commits.push({
      dsp: { commit: sealed.commit, tree: sealed.tree, trees: Object.fromEntries(sealed.trees) },
      git: oracle.commit(step, timestamp),
      files,
    });
  }
  return { commits, oracle, state };
}

/** The platform's diff of two file sets: unifiedDiff per changed path, in path order (git's order for these paths). */
function platformDiff(before: ReadonlyMap<string, FileState>, after: ReadonlyMap<string, FileState>): string {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  return paths.map((path) => unifiedDiff(path, before.get(path) ?? null, after.get(path) ?? null)).join('');
}

const MATH_JS = `// Small math helpers used by the pricing scripts.
'use strict';

export function add(a, b) {
  return a + b;
}

export function subtract(a, b) {
  return a - b;
}

export function multiply(a, b) {
  return a * b;
}

export function divide(a, b) {
  if (b === 0) {
    throw new Error('division by zero');
  }
  return a / b;
}

export function average(values) {
  let total = 0;
  for (const value of values) {
    total += value;
  }
  return values.length === 0 ? 0 : total / values.length;
}
`;

const README_MD = `# Démo

Grüße aus Köln — 世界 🌍

Die Skripte antworten auf Anfragen der Geräte.
Jede Änderung ist ein Commit.
`;

const HISTORY: CommitStep[] = [
  {
    message: 'Initial scripts',
    changes: [
      { path: 'dsp.json', content: '{ "endpoints": [{ "method": "GET", "path": "/hello", "script": "hello.js" }] }\n' },
      { path: 'hello.js', content: "import { add } from './lib/math.js';\nexport default async () => ({ status: 200, body: add(1, 2) });\n" },
      { path: 'lib/math.js', content: MATH_JS },
      { path: 'lib/util/x.js', content: 'export const x = 1;\n' },
      { path: 'README.md', content: README_MD },
      { path: 'notes.txt', content: 'first line\nsecond line' },
    ],
  },
  {
    message: 'Divide: a clearer error\n\nA RangeError says what was wrong.',
    changes: [
      { path: 'lib/math.js', content: MATH_JS.replace("throw new Error('division by zero');", "throw new RangeError('cannot divide by zero');") },
      { path: 'hello.js', delete: true },
      { path: 'lib/util/y.js', content: "export const y = 'ÿ';\n" },
      { path: 'notes.txt', content: 'first line\nsecond line\nthird line' },
    ],
  },
  {
    message: 'Unicode README, newline at the end of notes',
    changes: [
      { path: 'README.md', content: README_MD.replace('Grüße aus Köln — 世界 🌍', 'Grüße aus Köln — 你好，世界 🌏🌍') },
      { path: 'notes.txt', content: 'first line\nsecond line\nthird line\n' },
      { path: 'lib/util/x.js', content: 'export const x = 2;\n' },
    ],
  },
  {
    message: 'Average ignores nothing; new endpoint',
    changes: [
      { path: 'lib/math.js', content: MATH_JS.replace("throw new Error('division by zero');", "throw new RangeError('cannot divide by zero');").replace('  let total = 0;', '  let total = 0; // running sum') },
      { path: 'lib/util/y.js', delete: true },
      { path: 'dsp.json', content: '{ "endpoints": [{ "method": "GET", "path": "/sum", "script": "sum.js" }] }\n' },
      { path: 'sum.js', content: "import { add } from './lib/math.js';\nexport default async (request) => ({ status: 200, body: add(Number(request.query.a), Number(request.query.b)) });\n" },
    ],
  },
  {
    message: 'Drop lib/util',
    changes: [
      { path: 'lib/util/x.js', delete: true },
      { path: 'notes.txt', content: 'first line\nsecond line (edited)\nthird line\n' },
    ],
  },
];

describe('git oracle: a five-commit history', () => {
  let commits: BuiltCommit[] = [];
  let oracle: GitOracle;

  beforeAll(async () => {
    ({ commits, oracle } = await buildHistory(HISTORY));
  });

  it('has the commit ids and tree ids git computes, for every commit and every folder', () => {
    expect(commits).toHaveLength(HISTORY.length);
    for (const built of commits) {
      expect(built.dsp.commit).toBe(built.git.commit);
      expect(built.dsp.tree).toBe(built.git.tree);
      for (const [dir, id] of Object.entries(built.dsp.trees)) {
        expect(`${dir}: ${id}`).toBe(`${dir}: ${oracle.git(['rev-parse', `${built.git.commit}:${dir}`]).trim()}`);
      }
    }
  });

  it('records a parent chain git agrees with', () => {
    const gitLog = oracle.git(['log', '--format=%H:%P', 'main']).trim().split('\n').reverse();
    expect(gitLog).toEqual(commits.map((c, i) => `${c.dsp.commit}:${i === 0 ? '' : (commits[i - 1]?.dsp.commit ?? '?')}`));
  });

  // [from, to] as indexes into the history; -1 = the empty tree (everything added).
  const pairs: [number, number][] = [
    [-1, 0],
    [0, 1],
    [1, 2],
    [2, 3],
    [3, 4],
    [0, 2],
    [0, 3],
    [1, 4],
    [0, 4],
    [4, 0],
  ];
  it.each(pairs)('diff %i..%i equals `git diff`', (from, to) => {
    const before = from === -1 ? new Map<string, FileState>() : (commits[from]?.files ?? null);
    const after = commits[to]?.files ?? null;
    if (!before || !after) throw new Error('history was not built');
    const a = from === -1 ? EMPTY_TREE : (commits[from]?.git.commit ?? '');
    const b = commits[to]?.git.commit ?? '';
    const expected = oracle.diff(a, b);
    expect(expected.length).toBeGreaterThan(0);
    expect(platformDiff(before, after)).toBe(expected);
  });

  it('shows the function a change in the middle of a file belongs to, as git does', () => {
    const diff = platformDiff(commits[0]?.files ?? new Map(), commits[1]?.files ?? new Map());
    expect(diff).toContain('@@ -15,7 +15,7 @@ export function multiply(a, b) {\n');
  });
});

describe('git oracle: edge cases', () => {
  async function expectSameAsGit(steps: CommitStep[]): Promise<void> {
    const { commits, oracle } = await buildHistory(steps);
    for (const built of commits) {
      expect(built.dsp.commit).toBe(built.git.commit);
      expect(built.dsp.tree).toBe(built.git.tree);
    }
    for (let i = 1; i < commits.length; i++) {
      const before = commits[i - 1];
      const after = commits[i];
      if (!before || !after) throw new Error('history was not built');
      expect(platformDiff(before.files, after.files)).toBe(oracle.diff(before.git.commit, after.git.commit));
    }
  }

  it('adds and deletes an empty file', async () => {
    await expectSameAsGit([
      { message: 'one', changes: [{ path: 'a.js', content: 'export default 1;\n' }] },
      { message: 'add an empty file', changes: [{ path: 'lib/.keep', content: '' }] },
      { message: 'delete it again', changes: [{ path: 'lib/.keep', delete: true }] },
    ]);
  });

  it('inserts a function between two others (git slides the inserted block with its indent heuristic)', async () => {
    await expectSameAsGit([
      { message: 'one', changes: [{ path: 'lib/math.js', content: MATH_JS }] },
      {
        message: 'square',
        changes: [{ path: 'lib/math.js', content: MATH_JS.replace('export function divide', 'export function square(a) {\n  return a * a;\n}\n\nexport function divide') }],
      },
    ]);
  });

  it('adds and removes only the newline at the end of a file', async () => {
    await expectSameAsGit([
      { message: 'one', changes: [{ path: 'a.txt', content: 'alpha\nbeta' }] },
      { message: 'newline', changes: [{ path: 'a.txt', content: 'alpha\nbeta\n' }] },
      { message: 'no newline', changes: [{ path: 'a.txt', content: 'alpha\nbeta' }] },
    ]);
  });

  it('uses a function line of more than 80 bytes of multi-byte characters as hunk context', async () => {
    // 51 characters but 91 bytes: git cuts the hunk header's function line at 80 bytes.
    const heading = `Straße ${'ä'.repeat(40)} Ende`;
    // Indented lines are not function lines, so the heading is the nearest one above the hunk.
    const body = (changed: string) => [heading, '  one', '  two', '  three', '  four', changed, '  six', '  seven', '  eight', ''].join('\n');
    await expectSameAsGit([
      { message: 'one', changes: [{ path: 'strasse.txt', content: body('  five') }] },
      { message: 'two', changes: [{ path: 'strasse.txt', content: body('  FIVE') }] },
    ]);
  });

  it('diffs two far-apart changes in one file as two hunks, each with its own function line', async () => {
    await expectSameAsGit([
      { message: 'one', changes: [{ path: 'lib/math.js', content: MATH_JS }] },
      {
        message: 'two',
        changes: [{ path: 'lib/math.js', content: MATH_JS.replace('return a - b;', 'return a - b; // difference').replace('total += value;', 'total = total + value;') }],
      },
    ]);
  });

  it('diffs a file with CRLF line endings', async () => {
    await expectSameAsGit([
      { message: 'one', changes: [{ path: 'win.txt', content: 'alpha\r\nbeta\r\ngamma\r\n' }] },
      { message: 'two', changes: [{ path: 'win.txt', content: 'alpha\r\nBETA\r\ngamma\r\n' }] },
    ]);
  });

  it.each([
    ['trailing no-break space', 'Fix the greeting\u00a0'],
    ['a lone carriage return inside a line', 'Fix the greeting\rfor real'],
    ['trailing form feed', 'Fix the greeting\f'],
    ['tabs and blank lines', '\tIndented subject\t\n\n\n\t\n\nBody\n'],
  ])('computes the commit id git computes for a message with %s', async (_what, message) => {
    await expectSameAsGit([{ message, changes: [{ path: 'a.js', content: 'export default 1;\n' }] }]);
  });
});
