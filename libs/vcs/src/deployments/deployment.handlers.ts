import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { RepositoryEventV1 } from '@dsp/contracts';
import { CommitContentPolicy } from '../commit-content.policy';
import { CommitWriter } from '../commit-writer';
import { contentsAt, servingCommit, type RepositoryState } from '../repository.state';
import { RepositoryStreams } from '../repository-streams';
import { RollbackCommand, RollForwardCommand, type DeploymentResult } from './deployment.commands';
import { decideRollback, decideRollForward } from './deployment.decider';

async function deploy(
  streams: RepositoryStreams,
  writer: CommitWriter,
  policy: CommitContentPolicy,
  repository: string,
  decide: (state: RepositoryState) => RepositoryEventV1[],
): Promise<DeploymentResult> {
  const state = await streams.load(repository);
  const events = decide(state);
  const pinned = events.find((e) => e.type === 'DeploymentPinned');
  const target = pinned?.type === 'DeploymentPinned' ? pinned.data.commit : state.branches.get('main')?.head ?? null;
  const verdict = await policy.checkDeployment(repository, contentsAt(state, target));
  await writer.appendChecked(verdict, () => writer.append(state, repository, events));
  const after = await streams.load(repository);
  return { serving: servingCommit(after), previous: servingCommit(state), pinned: after.pinned !== null };
}

@CommandHandler(RollbackCommand)
export class RollbackHandler implements ICommandHandler<RollbackCommand, DeploymentResult> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly writer: CommitWriter,
    private readonly policy: CommitContentPolicy,
  ) {}
  execute(command: RollbackCommand): Promise<DeploymentResult> {
    return deploy(this.streams, this.writer, this.policy, command.repository, (state) => decideRollback(state, command));
  }
}

@CommandHandler(RollForwardCommand)
export class RollForwardHandler implements ICommandHandler<RollForwardCommand, DeploymentResult> {
  constructor(
    private readonly streams: RepositoryStreams,
    private readonly writer: CommitWriter,
    private readonly policy: CommitContentPolicy,
  ) {}
  execute(command: RollForwardCommand): Promise<DeploymentResult> {
    return deploy(this.streams, this.writer, this.policy, command.repository, (state) => decideRollForward(state, command));
  }
}
