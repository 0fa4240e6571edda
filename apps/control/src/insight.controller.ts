import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InsightStore } from '@dsp/store';
import { RepositoryReader, VcsError } from '@dsp/vcs';
import { BearerTokenGuard } from './bearer-token.guard';
import { BackendInsightDto } from './backend-insight.dto';
import { sumAcrossNodes } from './backend-insight-summary.util';

/** What the repository's scripts do with the backend, summed over every gateway node (each reports every few seconds). */
@ApiTags('insight')
@ApiBearerAuth()
@UseGuards(BearerTokenGuard)
@Controller('v1/repos/:repo/insight')
export class InsightController {
  constructor(
    private readonly reader: RepositoryReader,
    private readonly store: InsightStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Backend calls made by the scripts, per endpoint and commit: which services and methods, how often, how long, how many failed; summed over all gateway nodes' })
  @ApiQuery({ name: 'commit', required: false, description: 'only this commit (a full id or a prefix of at least 4 hex digits)' })
  @ApiQuery({ name: 'endpoint', required: false, description: 'only this endpoint, e.g. `GET /tv/titles/:id`' })
  @ApiOkResponse({ type: BackendInsightDto })
  async insight(@Param('repo') repo: string, @Query('commit') commit?: unknown, @Query('endpoint') endpoint?: unknown): Promise<BackendInsightDto> {
    if (commit !== undefined && (typeof commit !== 'string' || !/^[0-9a-f]{4,40}$/.test(commit))) {
      throw new VcsError('invalid-request', `commit must be a commit id or a prefix of at least 4 lowercase hex digits, got '${String(commit)}'`);
    }
    if (endpoint !== undefined && typeof endpoint !== 'string') throw new VcsError('invalid-request', 'give endpoint once, e.g. ?endpoint=GET%20/tv/titles/:id');
    await this.reader.requireRepository(repo);
    return { repository: repo, calls: sumAcrossNodes(await this.store.read(repo), { commit, endpoint }) };
  }
}
