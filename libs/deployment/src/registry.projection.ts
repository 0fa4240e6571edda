/**
 * Keeps the live endpoint registry: production serves the head of main, or the commit it was
 * rolled back to. Each change becomes the repository's registry entry (revision-guarded) and
 * gateways are told on Kafka.
 */
import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type RegistryChangedV1 } from '@dsp/contracts';
import { EventLog } from '@dsp/event-log';
import { RegistryReadModel, VcsReadModel } from '@dsp/store';
import { RepositoryReader, toRepositoryEvent } from '@dsp/vcs';
import { registryEntryAt } from './registry-entry.builder';
import { DEPLOYED_BRANCH } from './deployed-branch.constant';

@Injectable()
export class RegistryProjection {
  constructor(
    private readonly registry: RegistryReadModel,
    private readonly reader: RepositoryReader,
    private readonly vcs: VcsReadModel,
    private readonly log: EventLog,
  ) {}

  async apply(envelope: EventEnvelope): Promise<void> {
    const event = toRepositoryEvent(envelope);
    switch (event.type) {
      case 'BranchMoved': {
        if (event.data.branch !== DEPLOYED_BRANCH) return;
        const current = await this.registry.get(event.data.repository);
        if (current?.pinned) return; // rolled back: production stays on the pinned commit until rolled forward
        return this.deploy(event.data.repository, event.data.to, envelope.revision, false);
      }
      case 'DeploymentPinned':
        return this.deploy(event.data.repository, event.data.commit, envelope.revision, true);
      case 'DeploymentUnpinned': {
        const main = await this.vcs.getRef(event.data.repository, DEPLOYED_BRANCH);
        if (main) await this.deploy(event.data.repository, main.commit, envelope.revision, false);
        return;
      }
      default:
        return;
    }
  }

  private async deploy(repository: string, commit: string, revision: number, pinned: boolean): Promise<void> {
    await this.registry.put({ ...(await registryEntryAt(this.reader, repository, commit, revision)), pinned });
    const change: RegistryChangedV1 = { repository, commit, revision };
    await this.log.publish(Topics.registryChanges, [{ key: repository, value: JSON.stringify(change) }]);
  }
}
