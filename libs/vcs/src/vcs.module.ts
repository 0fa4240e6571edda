import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommitChangesHandler } from './commit-changes.handler';
import { CommitWriter } from './commit-writer';
import { CreateBranchHandler, CreateTagHandler, DeleteBranchHandler, DeleteTagHandler, ProtectBranchHandler } from './branches/branches.handlers';
import { MergeBranchesHandler } from './merges/merge-branches.handler';
import { RevertCommitHandler } from './merges/revert-commit.handler';
import { RollbackHandler, RollForwardHandler } from './deployments/deployment.handlers';
import { SetQuotasHandler, SwitchEndpointHandler } from './operations/operations.handlers';
import { CreateRepositoryHandler } from './create-repository.handler';
import { RepositoryReader } from './repository.reader';
import { RepositoryStreams } from './repository-streams';
import { VcsProjection } from './vcs.projection';

/** Version control: command handlers (write side), reader (queries) and projection. */
@Module({
  imports: [CqrsModule],
  providers: [
    RepositoryStreams,
    CommitWriter,
    CommitChangesHandler,
    CreateRepositoryHandler,
    CreateBranchHandler,
    DeleteBranchHandler,
    ProtectBranchHandler,
    CreateTagHandler,
    DeleteTagHandler,
    MergeBranchesHandler,
    RevertCommitHandler,
    RollbackHandler,
    RollForwardHandler,
    SwitchEndpointHandler,
    SetQuotasHandler,
    RepositoryReader,
    VcsProjection,
  ],
  exports: [RepositoryReader, VcsProjection, RepositoryStreams],
})
export class VcsModule {}
