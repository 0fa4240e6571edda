import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  branchOverview,
  CreateBranchCommand,
  CreateTagCommand,
  DeleteBranchCommand,
  DeleteTagCommand,
  MergeBranchesCommand,
  ProtectBranchCommand,
  RepositoryStreams,
  RevertCommitCommand,
  type CommitResult,
  type MergeResult,
} from '@dsp/vcs';
import { BearerTokenGuard } from './bearer-token.guard';
import { CreateBranchDto, CreateTagDto, MergeDto, ProtectionDto, RevertDto } from './vcs-requests.dto';

/** Branches, tags, merges and reverts of a repository. */
@ApiTags('branches')
@ApiBearerAuth()
@UseGuards(BearerTokenGuard)
@Controller('v1/repos/:repo')
export class BranchesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: RepositoryStreams,
  ) {}

  @Get('branches')
  @ApiOperation({ summary: 'Branches with their heads, protection and ahead/behind counts against main' })
  async branches(@Param('repo') repo: string) {
    const state = await this.streams.loadExisting(repo);
    return { branches: branchOverview(state) };
  }

  @Post('branches')
  @ApiOperation({ summary: 'Create a branch at any revision' })
  async createBranch(@Param('repo') repo: string, @Body() body: CreateBranchDto) {
    await this.commands.execute(new CreateBranchCommand(repo, body.name, body.from));
    const state = await this.streams.load(repo);
    return { name: body.name, commit: state.branches.get(body.name)?.head ?? null };
  }

  @Delete('branches/*')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a branch (not main, not a protected one)' })
  async deleteBranch(@Param('repo') repo: string, @Param('*') name: string): Promise<void> {
    await this.commands.execute(new DeleteBranchCommand(repo, name));
  }

  @Put('protection/*')
  @ApiOperation({ summary: "Set a branch's protection: requireMerge = only merges may move it" })
  async protect(@Param('repo') repo: string, @Param('*') name: string, @Body() body: ProtectionDto) {
    await this.commands.execute(new ProtectBranchCommand(repo, name, body.requireMerge));
    return { name, requireMerge: body.requireMerge };
  }

  @Get('tags')
  @ApiOperation({ summary: 'Tags and the commits they name' })
  async tags(@Param('repo') repo: string) {
    const state = await this.streams.loadExisting(repo);
    return { tags: [...state.tags].map(([name, commit]) => ({ name, commit })).sort((a, b) => (a.name < b.name ? -1 : 1)) };
  }

  @Post('tags')
  @ApiOperation({ summary: 'Tag a revision' })
  async createTag(@Param('repo') repo: string, @Body() body: CreateTagDto) {
    await this.commands.execute(new CreateTagCommand(repo, body.name, body.revision));
    const state = await this.streams.load(repo);
    return { name: body.name, commit: state.tags.get(body.name) ?? null };
  }

  @Delete('tags/*')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a tag' })
  async deleteTag(@Param('repo') repo: string, @Param('*') name: string): Promise<void> {
    await this.commands.execute(new DeleteTagCommand(repo, name));
  }

  @Post('merges')
  @ApiOperation({ summary: 'Merge a branch into another: fast-forward, merge commit, or per-file conflicts (409); dryRun only tells' })
  async merge(@Param('repo') repo: string, @Body() body: MergeDto): Promise<MergeResult> {
    return this.commands.execute(
      new MergeBranchesCommand(repo, body.source, body.target, { name: body.author.name, email: body.author.email }, {
        message: body.message,
        dryRun: body.dryRun,
        expectedTarget: body.expectedTarget,
        noFastForward: body.noFastForward,
      }),
    );
  }

  @Post('reverts')
  @ApiOperation({ summary: 'A new commit that undoes an earlier one (mainline for merge commits); 409 on conflict' })
  async revert(@Param('repo') repo: string, @Body() body: RevertDto): Promise<CommitResult> {
    return this.commands.execute(
      new RevertCommitCommand(repo, body.commit, body.branch, { name: body.author.name, email: body.author.email }, {
        mainline: body.mainline,
        message: body.message,
        expectedHead: body.expectedHead,
      }),
    );
  }
}
