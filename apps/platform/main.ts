/**
 * `npm start`: the whole platform in one process (control, projector, a gateway and the demo
 * backend services). Embedded storage unless DSP_KAFKA_BROKERS and DSP_CASSANDRA_CONTACT_POINTS
 * are set. Commits the example repository on first start.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { loadPlatformConfig } from '@dsp/config';
import { openEventLog } from '@dsp/event-log';
import { HttpBackendServices } from '@dsp/runtime';
import { openStorage } from '@dsp/store';
import { CommitChangesCommand, CreateRepositoryCommand, RepositoryReader } from '@dsp/vcs';
import { createControlApp } from '../control/src/control.app';
import { createDemoServices, demoServicesConfig } from '../demo-services/src/demo-services.server';
import { GatewayNode } from '../gateway/src/gateway.node';
import { createProjectorApp, ProjectorService } from '../projector/src/projector.app';
import { EXAMPLE_FILES, EXAMPLE_REPOSITORY } from './src/example-repository';

async function main(): Promise<void> {
  const config = loadPlatformConfig();
  const adminToken = config.adminToken ?? randomBytes(18).toString('base64url');
  const engines = await openStorage(config);
  const log = openEventLog(config);

  const demo = createDemoServices();
  const demoUrl = await demo.listen({ port: Number(process.env.DSP_DEMO_SERVICES_PORT ?? 7071), host: config.host });
  const services = Object.keys(config.services).length > 0 ? config.services : demoServicesConfig(demoUrl);

  const projectorApp = await createProjectorApp({ engines, log, shared: true });
  const projector = projectorApp.get(ProjectorService);
  await projector.start();

  const control = await createControlApp({ engines, log, adminToken, shared: true });
  await control.listen(config.controlPort, config.host);

  const gateway = new GatewayNode({ registry: engines.registry, vcs: engines.vcs, insightStore: engines.insight, artifacts: engines.artifacts, log, services: new HttpBackendServices(services), logger: (m) => Logger.warn(m, 'gateway') });
  const gatewayUrl = await gateway.start(config.gatewayPort, config.host);

  await seedExample(control.get(CommandBus), control.get(RepositoryReader), engines.eventStore);
  // The walk-through starts with a curl of the example: say "running" once the gateway serves it.
  for (const deadline = Date.now() + 15_000; gateway.live.revisionOf(EXAMPLE_REPOSITORY) < 0 && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  const controlUrl = `http://${config.host}:${config.controlPort}`;
  console.log(`
DSP is running (${config.mode} mode${config.mode === 'embedded' ? `, data in ${config.dataDir}` : ''})
  management API  ${controlUrl}/v1   (OpenAPI: ${controlUrl}/v1/openapi.json)
  device gateway  ${gatewayUrl}
  demo services   ${demoUrl}
  admin token     ${adminToken}

Try:  curl ${gatewayUrl}/demo/titles/1
      export DSP_URL=${controlUrl} DSP_TOKEN=${adminToken}
      npx dsp log --repo ${EXAMPLE_REPOSITORY}
`);
  const stop = async () => {
    await gateway.stop();
    await control.close();
    await projector.stop();
    await projectorApp.close();
    await demo.close();
    await log.close();
    await engines.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

async function seedExample(commands: CommandBus, reader: RepositoryReader, store: { streams(): Promise<string[]> }): Promise<void> {
  if ((await store.streams()).length > 0) return;
  await commands.execute(new CreateRepositoryCommand(EXAMPLE_REPOSITORY));
  await commands.execute(
    new CommitChangesCommand(EXAMPLE_REPOSITORY, 'main', null, 'Add the example endpoints', { name: 'DSP', email: 'dsp@localhost' }, EXAMPLE_FILES),
  );
  void reader;
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error), 'platform');
  process.exit(1);
});
