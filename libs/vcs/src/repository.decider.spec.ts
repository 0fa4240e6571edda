/**
 * The repository decider, given(events) / when(command) / then(events | error). A commit runs
 * through draftCommit -> sealCommit -> decideCommit exactly as CommitChangesHandler does.
 *
 * The ids below were computed by the stock git client (2.39) from the same files, author and
 * dates, e.g. for FIRST_COMMIT:
 *   GIT_AUTHOR_DATE='@1700000000 +0000' GIT_COMMITTER_DATE='@1700000000 +0000' \
 *   git commit -m 'first commit'   # with dsp.json and hello.js as below
 */
import { describe, expect, it } from 'vitest';
import type { RepositoryEventV1 } from '@dsp/contracts';
import { deciderSpec } from '@dsp/testing';
import { CommitChangesCommand, type FileChange } from './commit-changes.command';
import { draftCommit } from './commit-draft';
import { sealCommit } from './commit-sealer';
import { CreateRepositoryCommand } from './create-repository.command';
import { RepositoryLimits } from './limits.constant';
import { decideCommit, decideCreateRepository } from './repository.decider';
import { fold, type RepositoryState } from './repository.state';
import { InvalidCommitError, RepositoryExistsError, RepositoryNotFoundError, StaleParentError } from './vcs.errors';

const given = deciderSpec<RepositoryEventV1, RepositoryState>(fold);

const REPOSITORY = 'demo';
const AUTHOR = { name: 'Ada Lovelace', email: 'ada@example.com' };
const T0 = 1_700_000_000;
const CREATED_AT = '2023-11-14T22:13:20.000Z';

const DSP_JSON = '{ "endpoints": [{ "method": "GET", "path": "/hello", "script": "hello.js" }] }\n';
const HELLO_JS = "export default async () => ({ status: 200, body: 'hello' });\n";
const HELLO_WORLD_JS = "export default async () => ({ status: 200, body: 'hello, world' });\n";

const DSP_JSON_BLOB = '0f6f1ec5e70e11c4dbaba541e136e92549986243';
const HELLO_JS_BLOB = 'ff9ba8ce1281673b83a2229f009a952f0512659f';
const HELLO_WORLD_JS_BLOB = '0c62a05ef52a0d4b0a86c373f06a4bee939a03b9';
const FIRST_TREE = '4809c4f80a937df578833270c5d328bc3292cef6';
const FIRST_COMMIT = 'ff4eb59d6dd8b8f83eea0188ba23bad863da6d7d';

const identity = (timestamp: number) => ({ ...AUTHOR, timestamp, timezoneOffset: 0 });

const REPOSITORY_CREATED: RepositoryEventV1 = { type: 'RepositoryCreated', data: { repository: REPOSITORY, createdAt: CREATED_AT } };

/** The events of the first commit on main; also the `given` history of later scenarios. */
const FIRST_COMMIT_EVENTS: RepositoryEventV1[] = [
  {
    type: 'CommitCreated',
    data: {
      repository: REPOSITORY,
      commit: FIRST_COMMIT,
      tree: FIRST_TREE,
      parents: [],
      author: identity(T0),
      committer: identity(T0),
      message: 'first commit\n',
      written: [
        { path: 'dsp.json', content: DSP_JSON, blob: DSP_JSON_BLOB },
        { path: 'hello.js', content: HELLO_JS, blob: HELLO_JS_BLOB },
      ],
      deleted: [],
      trees: { '': FIRST_TREE },
      treeObjects: [
        {
          id: FIRST_TREE,
          entries: [
            { mode: '100644', path: 'dsp.json', oid: DSP_JSON_BLOB, type: 'blob' },
            { mode: '100644', path: 'hello.js', oid: HELLO_JS_BLOB, type: 'blob' },
          ],
        },
      ],
    },
  },
  { type: 'BranchMoved', data: { repository: REPOSITORY, branch: 'main', from: null, to: FIRST_COMMIT, reason: 'commit' } },
];

const HISTORY: RepositoryEventV1[] = [REPOSITORY_CREATED, ...FIRST_COMMIT_EVENTS];

function commitCommand(options: { parent: string | null; changes: FileChange[]; message?: string; timestamp?: number; branch?: string }): CommitChangesCommand {
  return new CommitChangesCommand(
    REPOSITORY,
    options.branch ?? 'main',
    options.parent,
    options.message ?? 'change',
    AUTHOR,
    options.changes,
    options.timestamp ?? T0,
    0,
  );
}

/** The command handler's pipeline, minus I/O: draft, seal (hash), decide. */
function commit(command: CommitChangesCommand) {
  return async (state: RepositoryState): Promise<RepositoryEventV1[]> => {
    const draft = draftCommit(state, command);
    const sealed = await sealCommit(command, draft);
    return decideCommit(state, command, draft, sealed);
  };
}

/** A commit on top of FIRST_COMMIT that must be refused for these problems. */
async function expectProblems(changes: FileChange[], problems: { path: string; message: string }[]): Promise<void> {
  const error = await given(HISTORY)
    .when(commit(commitCommand({ parent: FIRST_COMMIT, changes })))
    .then(InvalidCommitError, 'invalid-commit');
  expect(error.problems).toEqual(problems);
}

describe('repository decider: create repository', () => {
  it('records RepositoryCreated for a new, well-named repository', async () => {
    await given([])
      .when((state) => decideCreateRepository(state, new CreateRepositoryCommand(REPOSITORY, CREATED_AT)))
      .then([REPOSITORY_CREATED]);
  });

  it('refuses a repository that already exists', async () => {
    const error = await given([REPOSITORY_CREATED])
      .when((state) => decideCreateRepository(state, new CreateRepositoryCommand(REPOSITORY, CREATED_AT)))
      .then(RepositoryExistsError, 'repository-exists');
    expect(error.details).toEqual({ repository: REPOSITORY });
  });

  it.each(['Demo', 'a', '1demo', '-demo', 'demo_repo', 'demo repo', `d${'x'.repeat(63)}`, ''])('refuses the badly formed name %j', async (name) => {
    const error = await given([])
      .when((state) => decideCreateRepository(state, new CreateRepositoryCommand(name, CREATED_AT)))
      .then(InvalidCommitError, 'invalid-commit');
    expect(error.problems.map((p) => p.path)).toEqual([name]);
    expect(error.problems[0]?.message).toMatch(/^repository names are 2-63 characters/);
  });

  it('accepts names at the length limits (2 and 63 characters)', async () => {
    for (const name of ['ab', `d${'x'.repeat(62)}`]) {
      await given([])
        .when((state) => decideCreateRepository(state, new CreateRepositoryCommand(name, CREATED_AT)))
        .then([{ type: 'RepositoryCreated', data: { repository: name, createdAt: CREATED_AT } }]);
    }
  });
});

describe('repository decider: commit', () => {
  it('records CommitCreated and BranchMoved for the first commit on an empty main, with the ids git computes', async () => {
    const { state } = await given([REPOSITORY_CREATED])
      .when(
        commit(
          commitCommand({
            parent: null,
            message: 'first commit',
            changes: [
              { path: 'dsp.json', content: DSP_JSON },
              { path: 'hello.js', content: HELLO_JS },
            ],
          }),
        ),
      )
      .then(FIRST_COMMIT_EVENTS);

    expect(state.revision).toBe(2);
    expect(state.branches.get('main')?.head).toBe(FIRST_COMMIT);
    expect(state.branches.get('main')?.files.get('hello.js')).toEqual({ blob: HELLO_JS_BLOB, content: HELLO_JS });
  });

  it('computes the same ids whatever order the changes are listed in', async () => {
    const { events } = await given([REPOSITORY_CREATED])
      .when(
        commit(
          commitCommand({
            parent: null,
            message: 'first commit',
            changes: [
              { path: 'hello.js', content: HELLO_JS },
              { path: 'dsp.json', content: DSP_JSON },
            ],
          }),
        ),
      )
      .succeeds();
    const created = events[0];
    if (created?.type !== 'CommitCreated') throw new Error('expected CommitCreated first');
    expect(created.data.commit).toBe(FIRST_COMMIT);
    expect(created.data.tree).toBe(FIRST_TREE);
    expect(created.data.treeObjects).toEqual(FIRST_COMMIT_EVENTS[0]?.type === 'CommitCreated' ? FIRST_COMMIT_EVENTS[0].data.treeObjects : null);
  });

  it('refuses a commit whose parent is no longer the head, naming the real head', async () => {
    const error = await given(HISTORY)
      .when(commit(commitCommand({ parent: null, changes: [{ path: 'hello.js', content: HELLO_WORLD_JS }] })))
      .then(StaleParentError, 'stale-parent');
    expect(error.details).toEqual({ branch: 'main', parent: null, currentHead: FIRST_COMMIT });
    expect(error.message).toContain(FIRST_COMMIT);
  });

  it('refuses a commit on an unknown parent id, naming the real head', async () => {
    const unknownParent = 'a'.repeat(40);
    const error = await given(HISTORY)
      .when(commit(commitCommand({ parent: unknownParent, changes: [{ path: 'hello.js', content: HELLO_WORLD_JS }] })))
      .then(StaleParentError, 'stale-parent');
    expect(error.details).toEqual({ branch: 'main', parent: unknownParent, currentHead: FIRST_COMMIT });
  });

  it('re-checks the head when deciding: a draft sealed before another commit landed is refused', async () => {
    // Drafted and sealed on the empty branch, decided after FIRST_COMMIT was recorded (a race).
    const command = commitCommand({ parent: null, changes: [{ path: 'other.js', content: 'export default 1;\n' }] });
    const before = fold([REPOSITORY_CREATED]);
    const draft = draftCommit(before, command);
    const sealed = await sealCommit(command, draft);

    const error = await given(HISTORY)
      .when((state) => decideCommit(state, command, draft, sealed))
      .then(StaleParentError, 'stale-parent');
    expect(error.details?.currentHead).toBe(FIRST_COMMIT);
  });

  it('refuses a commit to a repository that does not exist', async () => {
    const error = await given([])
      .when(commit(commitCommand({ parent: null, changes: [{ path: 'hello.js', content: HELLO_JS }] })))
      .then(RepositoryNotFoundError, 'repository-not-found');
    expect(error.details).toEqual({ repository: REPOSITORY });
  });

  it('refuses a commit that changes nothing', async () => {
    await expectProblems([{ path: 'hello.js', content: HELLO_JS }], [{ path: '', message: 'nothing to commit: every change matches the current content' }]);
  });

  it('refuses a commit without changes', async () => {
    await expectProblems([], [{ path: '', message: 'a commit needs at least one change' }]);
  });

  it('refuses to delete a file that does not exist', async () => {
    await expectProblems([{ path: 'missing.js', delete: true }], [{ path: 'missing.js', message: 'cannot delete: no such file' }]);
  });

  it('records a deletion as a deleted path, and the branch no longer has the file', async () => {
    const { events, state } = await given(HISTORY)
      .when(commit(commitCommand({ parent: FIRST_COMMIT, timestamp: T0 + 60, changes: [{ path: 'hello.js', delete: true }] })))
      .succeeds(); // ids of deletions are checked against git in git-oracle.int-spec.ts
    const created = events[0];
    expect(created?.type).toBe('CommitCreated');
    if (created?.type !== 'CommitCreated') return;
    expect(created.data.deleted).toEqual(['hello.js']);
    expect(created.data.written).toEqual([]);
    expect(created.data.parents).toEqual([FIRST_COMMIT]);
    expect([...(state.branches.get('main')?.files.keys() ?? [])]).toEqual(['dsp.json']);
  });

  it.each([
    ['../x', 'path may not contain empty, "." or ".." segments'],
    ['lib/../../x', 'path may not contain empty, "." or ".." segments'],
    ['./x', 'path may not contain empty, "." or ".." segments'],
    ['/abs', 'path must be relative, without leading or trailing "/"'],
    ['lib/', 'path must be relative, without leading or trailing "/"'],
    ['a//b', 'path may not contain empty, "." or ".." segments'],
    ['.git/config', 'path may not contain a ".git" folder'],
    ['lib/.GIT/hooks/pre-commit', 'path may not contain a ".git" folder'],
    ['lib\\x.js', 'path may not contain "\\" or NUL'],
    ['', 'path is empty'],
    [`${'d/'.repeat(127)}xx`, `path longer than ${RepositoryLimits.maxPathLength} characters`],
  ])('refuses the invalid path %j', async (path, message) => {
    await expectProblems([{ path, content: 'export default 1;\n' }], [{ path, message }]);
  });

  it('refuses a path that is a file and a folder at once', async () => {
    await expectProblems(
      [{ path: 'hello.js/index.js', content: 'export default 1;\n' }],
      [{ path: 'hello.js', message: 'is a file, but other paths need it to be a folder' }],
    );
    await expectProblems(
      [
        { path: 'lib', content: 'a file\n' },
        { path: 'lib/util/x.js', content: 'export default 1;\n' },
      ],
      [{ path: 'lib', message: 'is a file, but other paths need it to be a folder' }],
    );
  });

  it('accepts a file that replaces a folder once the folder is emptied in the same commit', async () => {
    const withFolder = commitCommand({ parent: FIRST_COMMIT, changes: [{ path: 'lib/x.js', content: 'export default 1;\n' }] });
    const { events } = await given(HISTORY).when(commit(withFolder)).succeeds();
    const head = events[1]?.type === 'BranchMoved' ? events[1].data.to : null;
    const { state } = await given([...HISTORY, ...events])
      .when(
        commit(
          commitCommand({
            parent: head,
            timestamp: T0 + 60,
            changes: [
              { path: 'lib/x.js', delete: true },
              { path: 'lib', content: 'now a file\n' },
            ],
          }),
        ),
      )
      .succeeds();
    expect([...(state.branches.get('main')?.files.keys() ?? [])].sort()).toEqual(['dsp.json', 'hello.js', 'lib']);
  });

  it('refuses a file over the size limit, counted in UTF-8 bytes, and accepts one at the limit', async () => {
    const over = 'x'.repeat(RepositoryLimits.maxFileBytes + 1);
    await expectProblems([{ path: 'big.js', content: over }], [{ path: 'big.js', message: `file is ${RepositoryLimits.maxFileBytes + 1} bytes, the limit is ${RepositoryLimits.maxFileBytes}` }]);

    // 'é' is two bytes: fewer characters than the limit, more bytes.
    const accents = 'é'.repeat(RepositoryLimits.maxFileBytes / 2 + 1);
    await expectProblems([{ path: 'accents.txt', content: accents }], [{ path: 'accents.txt', message: `file is ${RepositoryLimits.maxFileBytes + 2} bytes, the limit is ${RepositoryLimits.maxFileBytes}` }]);

    const atLimit = commitCommand({ parent: FIRST_COMMIT, changes: [{ path: 'big.js', content: 'x'.repeat(RepositoryLimits.maxFileBytes) }] });
    const { events } = await given(HISTORY).when(commit(atLimit)).succeeds();
    expect(events.map((e) => e.type)).toEqual(['CommitCreated', 'BranchMoved']);
  });

  it('refuses a path listed twice in one change set', async () => {
    await expectProblems(
      [
        { path: 'a.js', content: 'export default 1;\n' },
        { path: 'a.js', content: 'export default 2;\n' },
      ],
      [{ path: 'a.js', message: 'changed twice in one commit' }],
    );
    await expectProblems(
      [
        { path: 'hello.js', delete: true },
        { path: 'hello.js', content: HELLO_WORLD_JS },
      ],
      [{ path: 'hello.js', message: 'changed twice in one commit' }],
    );
  });

  it('refuses an empty or whitespace-only message', async () => {
    const error = await given(HISTORY)
      .when(commit(commitCommand({ parent: FIRST_COMMIT, message: ' \n\t\n ', changes: [{ path: 'hello.js', content: HELLO_WORLD_JS }] })))
      .then(InvalidCommitError, 'invalid-commit');
    expect(error.problems).toEqual([{ path: '', message: 'commit message is empty' }]);
  });

  it("cleans the message up as `git commit -m` does (--cleanup=whitespace), so the id equals git's", async () => {
    // git commit -m "$(printf '\n\n  Say hello to the world   \n\n\n\nBody line\t \r\nsecond body line\n\n\n')"
    const messy = '\n\n  Say hello to the world   \n\n\n\nBody line\t \r\nsecond body line\n\n\n';
    const tree = 'e5ba9c22df73ec8ef4e64dc1fd76499bcb11927a';
    const id = 'd9636129361d19d5e0f19ec0c97db4e3178722d3';
    await given(HISTORY)
      .when(commit(commitCommand({ parent: FIRST_COMMIT, message: messy, timestamp: T0 + 60, changes: [{ path: 'hello.js', content: HELLO_WORLD_JS }] })))
      .then([
        {
          type: 'CommitCreated',
          data: {
            repository: REPOSITORY,
            commit: id,
            tree,
            parents: [FIRST_COMMIT],
            author: identity(T0 + 60),
            committer: identity(T0 + 60),
            message: '  Say hello to the world\n\nBody line\nsecond body line\n',
            written: [{ path: 'hello.js', content: HELLO_WORLD_JS, blob: HELLO_WORLD_JS_BLOB }],
            deleted: [],
            trees: { '': tree },
            treeObjects: [
              {
                id: tree,
                entries: [
                  { mode: '100644', path: 'dsp.json', oid: DSP_JSON_BLOB, type: 'blob' },
                  { mode: '100644', path: 'hello.js', oid: HELLO_WORLD_JS_BLOB, type: 'blob' },
                ],
              },
            ],
          },
        },
        { type: 'BranchMoved', data: { repository: REPOSITORY, branch: 'main', from: FIRST_COMMIT, to: id, reason: 'commit' } },
      ]);
  });

  it('lists only the tree objects a commit introduces: unchanged folders are not repeated', async () => {
    const nested = commitCommand({ parent: FIRST_COMMIT, changes: [{ path: 'lib/util/x.js', content: 'export const x = 1;\n' }] });
    const { events: first } = await given(HISTORY).when(commit(nested)).succeeds();
    const created = first[0];
    if (created?.type !== 'CommitCreated') throw new Error('expected CommitCreated first');
    expect(Object.keys(created.data.trees).sort()).toEqual(['', 'lib', 'lib/util']);
    expect(created.data.treeObjects.map((t) => t.id).sort()).toEqual(Object.values(created.data.trees).sort());

    // Touch only a root file: the lib trees are the parent's, so only a new root tree is recorded.
    const touchRoot = commitCommand({ parent: created.data.commit, timestamp: T0 + 60, changes: [{ path: 'hello.js', content: HELLO_WORLD_JS }] });
    const history = [...HISTORY, ...first];
    const { events: second } = await given(history).when(commit(touchRoot)).succeeds();
    const next = second[0];
    if (next?.type !== 'CommitCreated') throw new Error('expected CommitCreated first');
    expect(next.data.trees.lib).toBe(created.data.trees.lib);
    expect(next.data.trees['lib/util']).toBe(created.data.trees['lib/util']);
    expect(next.data.treeObjects.map((t) => t.id)).toEqual([next.data.tree]);
  });
});

describe('given/when/then helper', () => {
  it('fails when the decision returns other events than expected', async () => {
    await expect(given([]).when(() => [REPOSITORY_CREATED]).then([])).rejects.toThrow();
  });

  it('fails when an error was expected but the decision succeeded', async () => {
    await expect(given([]).when(() => [REPOSITORY_CREATED]).then(RepositoryExistsError)).rejects.toThrow(/expected the decision to throw RepositoryExistsError/);
  });

  it('fails when the decision throws another error class or code', async () => {
    const decide = (state: RepositoryState) => decideCreateRepository(state, new CreateRepositoryCommand(REPOSITORY, CREATED_AT));
    await expect(given([REPOSITORY_CREATED]).when(decide).then(RepositoryNotFoundError)).rejects.toThrow(/expected RepositoryNotFoundError/);
    await expect(given([REPOSITORY_CREATED]).when(decide).then(RepositoryExistsError, 'other-code')).rejects.toThrow();
    await expect(given([REPOSITORY_CREATED]).when(decide).then('repository-exists')).resolves.toBeInstanceOf(RepositoryExistsError);
  });
});
