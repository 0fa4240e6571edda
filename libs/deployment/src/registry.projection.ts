/**
 * Keeps the live endpoint registry: when a repository's `main` moves, the endpoints and scripts
 * of the new head become its registry entry (revision-guarded), and gateways are told on Kafka.
 */
import { Injectable } from '@nestjs/common';
import { MANIFEST_PATH, Topics, type EventEnvelope, type RegistryChangedV1 } from '@dsp/contracts';
import { EventLog } from '@dsp/event-log';
import { RegistryReadModel } from '@dsp/store';
import { RepositoryReader, toRepositoryEvent } from '@dsp/vcs';
import { isScriptPath, parseManifest } from './manifest';
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
    const commit = await this.reader.resolve(repository, to);
    const files = await this.reader.files(repository, commit);
    const manifestFile = files.find((f) => f.path === MANIFEST_PATH);
    const contents = new Map(files.map((f) => [f.path, '']));
    const manifest = manifestFile ? parseManifest(await this.reader.blob(repository, manifestFile.blob), contents).manifest : { endpoints: [] };
    await this.registry.put({
      repository,
      commit: to,
      revision: envelope.revision,
      endpoints: manifest.endpoints,
      scripts: files.filter((f) => isScriptPath(f.path)).map((f) => ({ path: f.path, blob: f.blob })),
    });
    const change: RegistryChangedV1 = { repository, commit: to, revision: envelope.revision };
    await this.log.publish(Topics.registryChanges, [{ key: repository, value: JSON.stringify(change) }]);
  }
}
