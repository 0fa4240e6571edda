/**
 * Keeps the live endpoint registry: production serves the head of main, or the commit it was
 * rolled back to. Each change becomes the repository's registry entry (revision-guarded) and
 * gateways are told on Kafka.
 */
import { Injectable } from '@nestjs/common';
import { Topics, type EventEnvelope, type RepositoryEventV1 } from '@dsp/contracts';
import { EventLog } from '@dsp/event-log';
import { EventStore, RegistryReadModel, VcsReadModel, type RegistryEntry } from '@dsp/store';
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
    private readonly events: EventStore,
  ) {}

  async apply(envelope: EventEnvelope): Promise<void> {
    const event = toRepositoryEvent(envelope);
    switch (event.type) {
      case 'BranchMoved': {
        if (event.data.branch !== DEPLOYED_BRANCH) return;
        // Rolled back: production stays on the pinned commit until rolled forward.
        return this.deploy(envelope, event.data.repository, event.data.to, false, { unlessPinned: true });
      }
      case 'DeploymentPinned':
        return this.deploy(envelope, event.data.repository, event.data.commit, true);
      case 'DeploymentUnpinned': {
        const main = await this.vcs.getRef(event.data.repository, DEPLOYED_BRANCH);
        if (main) await this.deploy(envelope, event.data.repository, main.commit, false);
        return;
      }
      case 'EndpointSwitched':
      case 'QuotasSet':
        await this.amend(event.data.repository, envelope.revision, (entry) => withSetting(entry, event));
        return;
      default:
        return;
    }
  }

  private async deploy(envelope: EventEnvelope, repository: string, commit: string, pinned: boolean, options: { unlessPinned?: boolean } = {}): Promise<void> {
    const current = await this.registry.get(repository);
    if (options.unlessPinned && current?.pinned) return;
    const revision = envelope.revision;
    const entry = await registryEntryAt(this.reader, repository, commit, revision);
    // Switches and quotas outlive deployments; those set before the first one are in the stream.
    const settings = current ?? (await this.settingsBefore(envelope.stream, revision, entry));
    await this.publish({ ...entry, pinned, switchedOff: settings.switchedOff, quotas: settings.quotas });
  }

  /** The switches and quotas recorded in a stream before `revision` (for a first deployment). */
  private async settingsBefore(stream: string, revision: number, entry: RegistryEntry): Promise<RegistryEntry> {
    let settings = entry;
    for (const recorded of await this.events.read(stream)) {
      if (recorded.revision >= revision) break;
      settings = withSetting(settings, toRepositoryEvent(recorded));
    }
    return settings;
  }

  /** Switches and quotas change the live entry in place, as a new revision of it. */
  private async amend(repository: string, revision: number, change: (entry: RegistryEntry) => RegistryEntry): Promise<void> {
    const current = await this.registry.get(repository);
    if (!current || current.revision >= revision) return; // a replay, or nothing deployed yet (the first deployment reads it from the stream)
    await this.publish({ ...change(current), revision });
  }

  private async publish(entry: RegistryEntry): Promise<void> {
    await this.registry.put(entry);
    await this.log.publish(Topics.registryChanges, [{ key: entry.repository, value: registryChangeMessage(entry) }]);
  }
}

/** What a kill switch or a quota change does to an entry; other events leave it as it is. */
function withSetting(entry: RegistryEntry, event: RepositoryEventV1): RegistryEntry {
  switch (event.type) {
    case 'EndpointSwitched': {
      const { route, enabled } = event.data;
      const current = entry.switchedOff ?? { repository: false, routes: [] };
      if (route === null) return { ...entry, switchedOff: { ...current, repository: !enabled } };
      const routes = new Set(current.routes);
      if (enabled) routes.delete(route);
      else routes.add(route);
      return { ...entry, switchedOff: { ...current, routes: [...routes].sort() } };
    }
    case 'QuotasSet':
      return { ...entry, quotas: { ...event.data.quotas } };
    default:
      return entry;
  }
}
