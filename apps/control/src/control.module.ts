import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeploymentModule } from '@dsp/deployment';
import { VcsModule } from '@dsp/vcs';
import { BearerTokenGuard } from './bearer-token.guard';
import { GitHttpModule } from './git/git-http.module';
import { HealthController } from './health.controller';
import { RepositoriesController } from './repositories.controller';
import { BranchesController } from './branches.controller';
import { DeploymentsController } from './deployments.controller';
import { OperationsController } from './operations.controller';
import { InsightController } from './insight.controller';

@Module({
  imports: [CqrsModule.forRoot(), VcsModule, DeploymentModule, GitHttpModule],
  controllers: [RepositoriesController, BranchesController, DeploymentsController, OperationsController, InsightController, HealthController],
  providers: [BearerTokenGuard],
})
export class ControlModule {}
