import type { FileState, RepositoryState } from './repository.state';
import type { CommitChangesCommand } from './commit-changes.command';
import { RepositoryLimits, BRANCH_NAME_PATTERN } from './limits.constant';
import { BranchProtectedError, CommitProblem, InvalidCommitError, RepositoryNotFoundError, StaleParentError } from './vcs.errors';

/** The files a commit would leave on its branch, before any id is computed. */
export interface CommitDraft {
  /** Every file of the resulting tree: path -> content. */
  files: Map<string, string>;
  written: { path: string; content: string }[];
  deleted: string[];
  base: { files: ReadonlyMap<string, FileState>; trees: ReadonlyMap<string, string> } | null;
}

/**
 * Pure first half of the commit decision: repository exists, parent is the branch head,
 * paths and sizes are acceptable, and the change set actually changes something.
 */
export function draftCommit(state: RepositoryState, command: CommitChangesCommand): CommitDraft {
  if (state.repository === null) throw new RepositoryNotFoundError(command.repository);
  const problems: CommitProblem[] = [];
  if (!BRANCH_NAME_PATTERN.test(command.branch) || command.branch.includes('..')) {
    problems.push({ path: command.branch, message: 'invalid branch name' });
  }
  const branch = state.branches.get(command.branch);
  const head = branch?.head ?? null;
  if (head !== command.parent) throw new StaleParentError(command.branch, command.parent, head);
  if (branch?.requireMerge) throw new BranchProtectedError(command.branch, 'it only accepts changes by merge: commit on another branch and merge it');
  const base = head ? (state.commits.get(head) ?? null) : null;

  if (!command.message.trim()) problems.push({ path: '', message: 'commit message is empty' });
  if (command.message.length > RepositoryLimits.maxMessageLength) {
    problems.push({ path: '', message: `commit message longer than ${RepositoryLimits.maxMessageLength} characters` });
  }
  if (command.changes.length === 0) problems.push({ path: '', message: 'a commit needs at least one change' });

  const files = new Map<string, string>();
  for (const [path, file] of base?.files ?? []) files.set(path, file.content);
  const written: CommitDraft['written'] = [];
  const deleted: string[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  for (const change of command.changes) {
    const pathProblem = checkPath(change.path);
    if (pathProblem) {
      problems.push({ path: change.path, message: pathProblem });
      continue;
    }
    if (seen.has(change.path)) {
      problems.push({ path: change.path, message: 'changed twice in one commit' });
      continue;
    }
    seen.add(change.path);
    if (change.delete) {
      if (!files.has(change.path)) problems.push({ path: change.path, message: 'cannot delete: no such file' });
      files.delete(change.path);
      deleted.push(change.path);
      continue;
    }
    if (typeof change.content !== 'string') {
      problems.push({ path: change.path, message: 'content is missing (or set "delete": true)' });
      continue;
    }
    const size = Buffer.byteLength(change.content, 'utf8');
    bytes += size;
    if (size > RepositoryLimits.maxFileBytes) {
      problems.push({ path: change.path, message: `file is ${size} bytes, the limit is ${RepositoryLimits.maxFileBytes}` });
    }
    if (files.get(change.path) === change.content) continue; // unchanged content is not a change
    files.set(change.path, change.content);
    written.push({ path: change.path, content: change.content });
  }
  if (bytes > RepositoryLimits.maxCommitBytes) {
    problems.push({ path: '', message: `commit is ${bytes} bytes, the limit is ${RepositoryLimits.maxCommitBytes}` });
  }
  if (files.size > RepositoryLimits.maxFiles) {
    problems.push({ path: '', message: `repository would hold ${files.size} files, the limit is ${RepositoryLimits.maxFiles}` });
  }
  const folders = new Set<string>();
  for (const path of files.keys()) {
    for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) folders.add(path.slice(0, i));
  }
  for (const path of files.keys()) {
    if (folders.has(path)) problems.push({ path, message: 'is a file, but other paths need it to be a folder' });
  }
  if (problems.length === 0 && written.length === 0 && deleted.length === 0) {
    problems.push({ path: '', message: 'nothing to commit: every change matches the current content' });
  }
  if (problems.length > 0) throw new InvalidCommitError(problems);
  return { files, written, deleted, base };
}

function checkPath(path: string): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'path is empty';
  if (path.length > RepositoryLimits.maxPathLength) return `path longer than ${RepositoryLimits.maxPathLength} characters`;
  if (path.startsWith('/') || path.endsWith('/')) return 'path must be relative, without leading or trailing "/"';
  if (path.includes('\\') || path.includes('\0')) return 'path may not contain "\\" or NUL';
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'path may not contain empty, "." or ".." segments';
  if (segments.some((s) => s.toLowerCase() === '.git')) return 'path may not contain a ".git" folder';
  return null;
}

/**
 * A draft from a complete file set (a merge or a revert result) on top of `parent`: what it
 * writes and deletes relative to the parent. May change nothing (a merge of already-merged work).
 */
export function draftFromFiles(state: RepositoryState, parent: string | null, files: ReadonlyMap<string, string>): CommitDraft {
  const base = parent ? (state.commits.get(parent) ?? null) : null;
  const written: CommitDraft['written'] = [];
  for (const [path, content] of files) if (base?.files.get(path)?.content !== content) written.push({ path, content });
  const deleted = [...(base?.files.keys() ?? [])].filter((path) => !files.has(path));
  return { files: new Map(files), written, deleted, base };
}
