import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeploymentModule } from '@dsp/deployment';
import { VcsModule } from '@dsp/vcs';
import { BearerTokenGuard } from './bearer-token.guard';
import { HealthController } from './health.controller';
import { RepositoriesController } from './repositories.controller';

@Module({
  imports: [CqrsModule.forRoot(), VcsModule, DeploymentModule],
  controllers: [RepositoriesController, HealthController],
  providers: [BearerTokenGuard],
})
export class ControlModule {}
