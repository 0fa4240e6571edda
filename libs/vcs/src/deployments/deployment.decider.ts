import type { RepositoryEventV1 } from '@dsp/contracts';
import { isAncestor } from '../commit-graph.util';
import { requireRepository, servingCommit, type RepositoryState } from '../repository.state';
import { resolveInState } from '../state-revision.util';
import { NotDeployableError, VcsError } from '../vcs.errors';
import type { RollbackCommand, RollForwardCommand } from './deployment.commands';

function deployableTarget(state: RepositoryState, revision: string): string {
  const main = state.branches.get('main');
  if (!main) throw new NotDeployableError(revision, 'the repository has no main branch yet');
  const commit = resolveInState(state, revision);
  if (!isAncestor(state, commit, main.head)) throw new NotDeployableError(commit, 'only commits of main can serve production; merge it first');
  return commit;
}

function requireReason(reason: string): void {
  if (!reason.trim()) throw new VcsError('reason-required', 'say why (reason): the deployment history keeps it');
}

export function decideRollback(state: RepositoryState, command: RollbackCommand): RepositoryEventV1[] {
  requireRepository(state, command.repository);
  requireReason(command.reason);
  const commit = deployableTarget(state, command.to);
  const previous = servingCommit(state);
  if (previous === commit && state.pinned !== null) return [];
  return [{ type: 'DeploymentPinned', data: { repository: command.repository, commit, previous, actor: command.actor, reason: command.reason, at: command.at } }];
}

export function decideRollForward(state: RepositoryState, command: RollForwardCommand): RepositoryEventV1[] {
  requireRepository(state, command.repository);
  requireReason(command.reason);
  const previous = servingCommit(state);
  if (command.to !== undefined) {
    const commit = deployableTarget(state, command.to);
    if (previous === commit && state.pinned !== null) return [];
    return [{ type: 'DeploymentPinned', data: { repository: command.repository, commit, previous, actor: command.actor, reason: command.reason, at: command.at } }];
  }
  if (state.pinned === null) throw new VcsError('not-rolled-back', 'production already follows main; nothing to roll forward');
  return [{ type: 'DeploymentUnpinned', data: { repository: command.repository, previous, actor: command.actor, reason: command.reason, at: command.at } }];
}
