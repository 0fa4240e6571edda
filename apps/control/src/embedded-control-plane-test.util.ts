import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { EmbeddedEventLog } from '@dsp/event-log';
import { openEmbeddedStorage, type StorageEngines } from '@dsp/store';
import { createProjectorApp, ProjectorService } from '../../projector/src/projector.app';
import { createControlApp } from './control.app';

export interface EmbeddedControlPlane {
  app: NestFastifyApplication;
  engines: StorageEngines;
  close(): Promise<void>;
}

/** The control API (initialised, ready for inject) and a running projector on embedded engines (no Kafka, no Cassandra), for specs. */
export async function startEmbeddedControlPlane(adminToken: string): Promise<EmbeddedControlPlane> {
  const engines = openEmbeddedStorage(null);
  const log = new EmbeddedEventLog();
  const projectorApp = await createProjectorApp({ engines, log, shared: true });
  const projector = projectorApp.get(ProjectorService);
  await projector.start();
  const app = await createControlApp({ engines, log, adminToken, relayIntervalMs: 60_000, shared: true });
  await app.init();
  await app.getHttpAdapter().getInstance().ready(); // for inject(); listen() still works after it
  return {
    app,
    engines,
    close: async () => {
      await app.close();
      await projector.stop();
      await projectorApp.close();
    },
  };
}
