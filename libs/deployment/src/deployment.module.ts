import { Global, Module } from '@nestjs/common';
import { CommitContentPolicy, VcsModule } from '@dsp/vcs';
import { DeploymentContentPolicy } from './deployment-content.policy';
import { RegistryProjection } from './registry.projection';
import { ScriptPrecompilerProjection } from './script-precompiler.projection';

@Global()
@Module({
  imports: [VcsModule],
  providers: [RegistryProjection, ScriptPrecompilerProjection, { provide: CommitContentPolicy, useClass: DeploymentContentPolicy }],
  exports: [RegistryProjection, ScriptPrecompilerProjection, CommitContentPolicy],
})
export class DeploymentModule {}
