/**
 * Queries over the version-control read models: resolve revisions, list trees, read files,
 * page through history and diff two revisions. Never walks the event stream.
 */
import { Injectable } from '@nestjs/common';
import { CommitRecord, mapConcurrently, RefRecord, VcsReadModel } from '@dsp/store';
import { FileNotFoundError, RepositoryNotFoundError, RevisionNotFoundError, VcsError } from './vcs.errors';
import { unifiedDiff, type FileVersion } from './unified-diff';
import { blame, type BlamedLine } from './blame/blame.util';
import { tagRef } from './vcs.projection';

const MAX_HISTORY_WALK = 20_000;

type ParsedCursor = { kind: 'start' } | { kind: 'seq'; seq: number } | { kind: 'sha'; sha: string };

function parseCursor(cursor: string | undefined): ParsedCursor {
  if (cursor === undefined || cursor === '') return { kind: 'start' };
  if (/^s\d+$/.test(cursor)) return { kind: 'seq', seq: Number(cursor.slice(1)) };
  if (/^c[0-9a-f]{40}$/.test(cursor)) return { kind: 'sha', sha: cursor.slice(1) };
  throw new VcsError('invalid-cursor', `cursor '${cursor}' is not one this server issued`);
}

export interface TreeFile {
  path: string;
  blob: string;
}

export interface LogPage {
  commits: CommitRecord[];
  next: string | null;
}

@Injectable()
export class RepositoryReader {
  constructor(private readonly readModel: VcsReadModel) {}

  async requireRepository(repository: string): Promise<void> {
    if (!(await this.readModel.getRepository(repository))) throw new RepositoryNotFoundError(repository);
  }

  listRepositories() {
    return this.readModel.listRepositories();
  }

  async refs(repository: string): Promise<RefRecord[]> {
    await this.requireRepository(repository);
    return this.readModel.listRefs(repository);
  }

  /**
   * A branch name, a full commit id or an unambiguous prefix of at least 4 hex digits, optionally
   * followed by git's ancestry suffixes: `main~2`, `main^`, `abc123^^`.
   */
  async resolve(repository: string, revision: string): Promise<CommitRecord> {
    const suffix = /((?:~\d*|\^)+)$/.exec(revision);
    if (suffix?.[1] && suffix.index > 0) {
      let commit = await this.resolve(repository, revision.slice(0, suffix.index));
      for (const step of suffix[1].match(/~\d*|\^/g) ?? []) {
        const count = step === '^' || step === '~' ? 1 : Number(step.slice(1));
        for (let i = 0; i < count; i++) {
          const parent = commit.parents[0];
          const next = parent ? await this.readModel.getCommit(repository, parent) : null;
          if (!next) throw new RevisionNotFoundError(repository, revision);
          commit = next;
        }
      }
      return commit;
    }
    if (/^[0-9a-f]{40}$/.test(revision)) {
      const exact = await this.readModel.getCommit(repository, revision);
      if (exact) return exact;
    }
    await this.requireRepository(repository);
    const ref = (await this.readModel.getRef(repository, revision)) ?? (await this.readModel.getRef(repository, tagRef(revision)));
    const id = ref?.commit ?? (await this.resolveId(repository, revision));
    const commit = await this.readModel.getCommit(repository, id);
    if (!commit) throw new RevisionNotFoundError(repository, revision);
    return commit;
  }

  /**
   * First-parent history of a branch, newest first, from the branch log read model; where the log
   * ends (a branch's history from before it was created) it continues through commit parents.
   * With `path`, only commits that changed that path. Cursors: `s<seq>` (log) or `c<sha>` (walk).
   */
  async log(repository: string, branch: string, limit: number, cursor?: string, path?: string): Promise<LogPage> {
    await this.requireRepository(repository);
    const ref = await this.readModel.getRef(repository, branch);
    if (!ref) {
      if (/^[0-9a-f]{4,40}$/.test(branch)) throw new VcsError('not-a-branch', `log follows a branch; '${branch}' is not one`);
      throw new RevisionNotFoundError(repository, branch);
    }
    const parsed = parseCursor(cursor);
    const commits: CommitRecord[] = [];
    let walkFrom: string | null = null;
    if (parsed.kind === 'seq' || parsed.kind === 'start') {
      const options = { before: parsed.kind === 'seq' ? parsed.seq : undefined, limit };
      const page = path ? await this.readModel.pathLog(repository, branch, path, options) : await this.readModel.branchLog(repository, branch, options);
      commits.push(...page.entries.map((e) => e.commit));
      if (page.next !== null) return { commits, next: `s${page.next}` };
      // The log model covers the branch since it was created; older history is walked.
      const floor = await this.readModel.branchLogFloor(repository, branch);
      walkFrom = floor ? (floor.parents[0] ?? null) : ref.commit;
    } else {
      walkFrom = parsed.sha;
    }
    // Walk first parents for what the log model does not hold (bounded, so a request stays cheap).
    let walked = 0;
    for (let id = walkFrom; id && commits.length < limit; walked++) {
      if (walked > MAX_HISTORY_WALK) return { commits, next: `c${id}` };
      const commit = await this.readModel.getCommit(repository, id);
      if (!commit) break;
      if (!path || commit.changes.some((c) => c.path === path)) {
        if (commits.length === limit) return { commits, next: `c${id}` };
        commits.push(commit);
      }
      id = commit.parents[0] ?? null;
      if (commits.length === limit) return { commits, next: id ? `c${id}` : null };
    }
    return { commits, next: null };
  }

  /** Who last changed each line of a file at a revision (following its history on a branch). */
  async blame(repository: string, branch: string, path: string): Promise<BlamedLine[]> {
    const history: CommitRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.log(repository, branch, 500, cursor, path);
      history.push(...page.commits);
      cursor = page.next ?? undefined;
    } while (cursor);
    // Oldest first, from the version that (re)created the file.
    const versions: { commit: string; content: string }[] = [];
    for (const commit of history.reverse()) {
      const change = commit.changes.find((c) => c.path === path);
      if (change?.status === 'deleted') {
        versions.length = 0;
        continue;
      }
      versions.push({ commit: commit.commit, content: await this.readFile(repository, commit.commit, path) });
    }
    if (versions.length === 0) throw new FileNotFoundError(repository, branch, path);
    return blame(versions);
  }

  /** Files of two revisions with contents, for structured and endpoint diffs. */
  async snapshots(repository: string, from: string, to: string): Promise<{ before: Map<string, FileVersion>; after: Map<string, FileVersion>; from: CommitRecord; to: CommitRecord }> {
    const [a, b] = await Promise.all([this.resolve(repository, from), this.resolve(repository, to)]);
    const [before, after] = await Promise.all([this.snapshot(repository, a), this.snapshot(repository, b)]);
    return { before, after, from: a, to: b };
  }

  private async snapshot(repository: string, commit: CommitRecord): Promise<Map<string, FileVersion>> {
    const files = await this.files(repository, commit);
    const contents = await Promise.all(files.map((f) => this.blob(repository, f.blob)));
    return new Map(files.map((f, i) => [f.path, { blob: f.blob, content: contents[i] ?? '' }]));
  }


  async files(repository: string, commit: CommitRecord): Promise<TreeFile[]> {
    const files: TreeFile[] = [];
    await this.walk(repository, commit.tree, '', files);
    return files;
  }

  /** Content of a blob by id (blob ids come from `files`). */
  async blob(repository: string, id: string): Promise<string> {
    const content = await this.readModel.getBlob(repository, id);
    if (content === null) throw new Error(`blob ${id} of ${repository} is missing from the read model`);
    return content;
  }

  async readFile(repository: string, revision: string, path: string): Promise<string> {
    const commit = await this.resolve(repository, revision);
    let tree = commit.tree;
    const segments = path.split('/');
    for (const [i, segment] of segments.entries()) {
      const object = await this.readModel.getTree(repository, tree);
      const entry = object?.entries.find((e) => e.path === segment);
      if (!entry) break;
      if (i === segments.length - 1 && entry.type === 'blob') {
        const content = await this.readModel.getBlob(repository, entry.oid);
        if (content !== null) return content;
        break;
      }
      if (entry.type !== 'tree') break;
      tree = entry.oid;
    }
    throw new FileNotFoundError(repository, revision, path);
  }

  async diff(repository: string, from: string, to: string): Promise<string> {
    const [a, b] = await Promise.all([this.resolve(repository, from), this.resolve(repository, to)]);
    const [before, after] = await Promise.all([this.files(repository, a), this.files(repository, b)]);
    const beforeByPath = new Map(before.map((f) => [f.path, f.blob]));
    const afterByPath = new Map(after.map((f) => [f.path, f.blob]));
    const paths = [...new Set([...beforeByPath.keys(), ...afterByPath.keys()])].sort().filter((path) => beforeByPath.get(path) !== afterByPath.get(path));
    // Blobs are fetched concurrently (bounded): a cold diff of hundreds of files is one round trip deep, not hundreds.
    const parts = await mapConcurrently(paths, 32, async (path) => {
      const oldBlob = beforeByPath.get(path);
      const newBlob = afterByPath.get(path);
      const [oldContent, newContent] = await Promise.all([
        oldBlob ? this.readModel.getBlob(repository, oldBlob) : null,
        newBlob ? this.readModel.getBlob(repository, newBlob) : null,
      ]);
      return unifiedDiff(
        path,
        oldBlob && oldContent !== null ? { blob: oldBlob, content: oldContent } : null,
        newBlob && newContent !== null ? { blob: newBlob, content: newContent } : null,
      );
    });
    return parts.join('');
  }

  private async resolveId(repository: string, revision: string): Promise<string> {
    if (!/^[0-9a-f]{4,40}$/.test(revision)) throw new RevisionNotFoundError(repository, revision);
    const found = await this.readModel.findCommits(repository, revision, 2);
    if (found.length > 1) throw new VcsError('ambiguous-revision', `revision '${revision}' matches several commits; give more digits`);
    const id = found[0];
    if (!id) throw new RevisionNotFoundError(repository, revision);
    return id;
  }

  private async walk(repository: string, tree: string, prefix: string, into: TreeFile[]): Promise<void> {
    const object = await this.readModel.getTree(repository, tree);
    if (!object) throw new Error(`tree ${tree} of ${repository} is missing from the read model`);
    const subtrees: Promise<void>[] = [];
    for (const entry of object.entries) {
      if (entry.type === 'tree') subtrees.push(this.walk(repository, entry.oid, `${prefix}${entry.path}/`, into));
      else into.push({ path: prefix + entry.path, blob: entry.oid });
    }
    await Promise.all(subtrees);
    if (prefix === '') into.sort((x, y) => (x.path < y.path ? -1 : 1));
  }
}
