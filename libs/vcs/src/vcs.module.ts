import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommitChangesHandler } from './commit-changes.handler';
import { CreateRepositoryHandler } from './create-repository.handler';
import { RepositoryReader } from './repository.reader';
import { RepositoryStreams } from './repository-streams';
import { VcsProjection } from './vcs.projection';

/** Version control: command handlers (write side), reader (queries) and projection. */
@Module({
  imports: [CqrsModule],
  providers: [RepositoryStreams, CommitChangesHandler, CreateRepositoryHandler, RepositoryReader, VcsProjection],
  exports: [RepositoryReader, VcsProjection, RepositoryStreams],
})
export class VcsModule {}
