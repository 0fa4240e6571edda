import { Global, Module } from '@nestjs/common';
import { CommitContentPolicy, VcsModule } from '@dsp/vcs';
import { DeploymentContentPolicy } from './deployment-content.policy';
import { RegistryProjection } from './registry.projection';

@Global()
@Module({
  imports: [VcsModule],
  providers: [RegistryProjection, { provide: CommitContentPolicy, useClass: DeploymentContentPolicy }],
  exports: [RegistryProjection, CommitContentPolicy],
})
export class DeploymentModule {}
