import { DynamicModule, Module } from '@nestjs/common';
import { processLogger } from '@dsp/observability';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { DeploymentModule } from '@dsp/deployment';
import { EventLog, EventLogModule } from '@dsp/event-log';
import { StorageEngines, StoreModule } from '@dsp/store';
import { VcsModule } from '@dsp/vcs';
import { ProjectorService } from './projector.service';

export async function createProjectorApp(options: { engines: StorageEngines; log: EventLog; shared?: boolean }): Promise<INestApplicationContext> {
  @Module({})
  class ProjectorRootModule {
    static register(): DynamicModule {
      return {
        module: ProjectorRootModule,
        imports: [
          StoreModule.forEngines(options.engines, { shared: options.shared }),
          EventLogModule.forLog(options.log, { shared: options.shared }),
          VcsModule,
          DeploymentModule,
        ],
        providers: [ProjectorService],
      };
    }
  }
  const app = await NestFactory.createApplicationContext(ProjectorRootModule.register(), { logger: processLogger('projector') });
  return app;
}

export { ProjectorService };
