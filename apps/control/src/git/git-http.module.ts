import { Module } from '@nestjs/common';
import { GitObjectReader } from '@dsp/vcs';
import { BearerTokenGuard } from '../bearer-token.guard';
import { GitHttpController } from './git-http.controller';

/** Read-only git over HTTP (dumb protocol) next to the management API, behind the same token. */
@Module({
  controllers: [GitHttpController],
  providers: [GitObjectReader, BearerTokenGuard],
})
export class GitHttpModule {}
