/** Pure decisions about branches and tags. */
import type { RepositoryEventV1 } from '@dsp/contracts';
import { BRANCH_NAME_PATTERN } from '../limits.constant';
import { requireBranch, requireRepository, type RepositoryState } from '../repository.state';
import { resolveInState } from '../state-revision.util';
import {
  BranchExistsError,
  BranchProtectedError,
  InvalidCommitError,
  TagExistsError,
  TagNotFoundError,
} from '../vcs.errors';
import type { CreateBranchCommand, CreateTagCommand, DeleteBranchCommand, DeleteTagCommand, ProtectBranchCommand } from './branch.commands';

function checkRefName(kind: 'branch' | 'tag', name: string): void {
  if (!BRANCH_NAME_PATTERN.test(name) || name.includes('..') || name.endsWith('/') || name.endsWith('.lock') || name.includes('//')) {
    throw new InvalidCommitError([{ path: name, message: `invalid ${kind} name: letters, digits, '.', '_', '-' and '/', not starting with a symbol` }]);
  }
}

export function decideCreateBranch(state: RepositoryState, command: CreateBranchCommand): RepositoryEventV1[] {
  requireRepository(state, command.repository);
  checkRefName('branch', command.branch);
  const existing = state.branches.get(command.branch);
  if (existing) throw new BranchExistsError(command.branch, existing.head);
  const to = resolveInState(state, command.from);
  return [{ type: 'BranchMoved', data: { repository: command.repository, branch: command.branch, from: null, to, reason: 'create' } }];
}

export function decideDeleteBranch(state: RepositoryState, command: DeleteBranchCommand): RepositoryEventV1[] {
  const branch = requireBranch(state, command.repository, command.branch);
  if (command.branch === 'main') throw new BranchProtectedError('main', 'production follows it, it cannot be deleted');
  if (branch.requireMerge) throw new BranchProtectedError(command.branch, 'remove its protection first');
  return [{ type: 'BranchDeleted', data: { repository: command.repository, branch: command.branch, head: branch.head } }];
}

export function decideProtectBranch(state: RepositoryState, command: ProtectBranchCommand): RepositoryEventV1[] {
  const branch = requireBranch(state, command.repository, command.branch);
  if (branch.requireMerge === command.requireMerge) return [];
  return [{ type: 'BranchProtectionChanged', data: { repository: command.repository, branch: command.branch, requireMerge: command.requireMerge } }];
}

export function decideCreateTag(state: RepositoryState, command: CreateTagCommand): RepositoryEventV1[] {
  requireRepository(state, command.repository);
  checkRefName('tag', command.tag);
  const existing = state.tags.get(command.tag);
  if (existing) throw new TagExistsError(command.tag, existing);
  const commit = resolveInState(state, command.revision);
  return [{ type: 'TagCreated', data: { repository: command.repository, tag: command.tag, commit } }];
}

export function decideDeleteTag(state: RepositoryState, command: DeleteTagCommand): RepositoryEventV1[] {
  requireRepository(state, command.repository);
  const commit = state.tags.get(command.tag);
  if (!commit) throw new TagNotFoundError(command.repository, command.tag);
  return [{ type: 'TagDeleted', data: { repository: command.repository, tag: command.tag, commit } }];
}
