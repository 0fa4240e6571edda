/**
 * Keeps the live endpoint registry: production serves the head of main, or the commit it was
 * rolled back to. Each change becomes the repository's registry entry (revision-guarded) and
 * gateways are told on Kafka.
 */
import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope } from '@dsp/contracts';
import { EventLog } from '@dsp/event-log';
import { RegistryReadModel, VcsReadModel, type RegistryEntry } from '@dsp/store';
import { RepositoryReader, toRepositoryEvent } from '@dsp/vcs';
import { registryEntryAt } from './registry-entry.builder';
import { registryChangeMessage } from './registry-change.util';
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
      case 'EndpointSwitched': {
        const { repository, route, enabled } = event.data;
        await this.amend(repository, envelope.revision, (entry) => {
          const current = entry.switchedOff ?? { repository: false, routes: [] };
          if (route === null) return { ...entry, switchedOff: { ...current, repository: !enabled } };
          const routes = new Set(current.routes);
          if (enabled) routes.delete(route);
          else routes.add(route);
          return { ...entry, switchedOff: { ...current, routes: [...routes].sort() } };
        });
        return;
      }
      case 'QuotasSet':
        await this.amend(event.data.repository, envelope.revision, (entry) => ({ ...entry, quotas: { ...event.data.quotas } }));
        return;
      default:
        return;
    }
  }

  private async deploy(repository: string, commit: string, revision: number, pinned: boolean): Promise<void> {
    const current = await this.registry.get(repository);
    const entry = await registryEntryAt(this.reader, repository, commit, revision);
    // Switches and quotas outlive deployments.
    await this.publish({ ...entry, pinned, switchedOff: current?.switchedOff, quotas: current?.quotas });
  }

  /** Switches and quotas change the live entry in place, as a new revision of it. */
  private async amend(repository: string, revision: number, change: (entry: RegistryEntry) => RegistryEntry): Promise<void> {
    const current = await this.registry.get(repository);
    if (!current || current.revision >= revision) return; // nothing deployed yet, or a replay
    await this.publish({ ...change(current), revision });
  }

  private async publish(entry: RegistryEntry): Promise<void> {
    await this.registry.put(entry);
    await this.log.publish(Topics.registryChanges, [{ key: entry.repository, value: registryChangeMessage(entry) }]);
  }
}
