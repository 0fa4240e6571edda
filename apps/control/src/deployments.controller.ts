import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RepositoryStreams, RollbackCommand, RollForwardCommand, servingCommit, type DeploymentResult } from '@dsp/vcs';
import { BearerTokenGuard } from './bearer-token.guard';
import { RollbackDto, RollForwardDto } from './vcs-requests.dto';

/** What production serves for a repository, rollback and roll forward, and the history of it. */
@ApiTags('deployment')
@ApiBearerAuth()
@UseGuards(BearerTokenGuard)
@Controller('v1/repos/:repo/deployment')
export class DeploymentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: RepositoryStreams,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The serving commit, whether it is pinned (rolled back), and every deployment: who, when, from, to, why' })
  async deployment(@Param('repo') repo: string) {
    const state = await this.streams.loadExisting(repo);
    return { serving: servingCommit(state), pinned: state.pinned !== null, history: [...state.deployments].reverse() };
  }

  @Post('rollback')
  @HttpCode(200)
  @ApiOperation({ summary: 'Serve an older commit of main, instantly, without a new commit' })
  rollback(@Param('repo') repo: string, @Body() body: RollbackDto): Promise<DeploymentResult> {
    return this.commands.execute(new RollbackCommand(repo, body.to, body.actor ?? 'admin', body.reason));
  }

  @Post('rollforward')
  @HttpCode(200)
  @ApiOperation({ summary: 'Follow the head of main again (or pin a newer commit of main with `to`)' })
  rollForward(@Param('repo') repo: string, @Body() body: RollForwardDto): Promise<DeploymentResult> {
    return this.commands.execute(new RollForwardCommand(repo, body.actor ?? 'admin', body.reason, body.to));
  }
}
