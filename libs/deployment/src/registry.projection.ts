/**
 * Keeps the live endpoint registry: when a repository's `main` moves, the endpoints and scripts
 * of the new head become its registry entry (revision-guarded), and gateways are told on Kafka.
 */
import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type RegistryChangedV1 } from '@dsp/contracts';
import { EventLog } from '@dsp/event-log';
import { RegistryReadModel } from '@dsp/store';
import { RepositoryReader, toRepositoryEvent } from '@dsp/vcs';
import { registryEntryAt } from './registry-entry.builder';
import { DEPLOYED_BRANCH } from './deployed-branch.constant';


@Injectable()
export class RegistryProjection {
  constructor(
    private readonly registry: RegistryReadModel,
    private readonly reader: RepositoryReader,
    private readonly log: EventLog,
  ) {}

  async apply(envelope: EventEnvelope): Promise<void> {
    const event = toRepositoryEvent(envelope);
    if (event.type !== 'BranchMoved' || event.data.branch !== DEPLOYED_BRANCH) return;
    const { repository, to } = event.data;
    await this.registry.put(await registryEntryAt(this.reader, repository, to, envelope.revision));
    const change: RegistryChangedV1 = { repository, commit: to, revision: envelope.revision };
    await this.log.publish(Topics.registryChanges, [{ key: repository, value: JSON.stringify(change) }]);
  }
}
