import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { RepositoryStreams, SetQuotasCommand, SwitchEndpointCommand } from '@dsp/vcs';
import { BearerTokenGuard } from './bearer-token.guard';

export class SwitchDto {
  @ApiPropertyOptional({ example: 'GET /tv/hello/:name', description: 'one route; omit to switch the whole repository' })
  @IsOptional()
  @IsString()
  route?: string;

  @ApiProperty({ description: 'false = answer 503 on every gateway within a second' })
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;
}

export class QuotasDto {
  @ApiPropertyOptional({ description: 'per gateway node; 429 with Retry-After beyond' })
  @IsOptional()
  @IsInt()
  @Min(1)
  requestsPerSecond?: number;

  @ApiPropertyOptional({ description: 'script CPU ms per minute per gateway node' })
  @IsOptional()
  @IsInt()
  @Min(1)
  cpuMsPerMinute?: number;

  @ApiPropertyOptional({ description: 'largest script file a commit may contain' })
  @IsOptional()
  @IsInt()
  @Min(1)
  maxScriptBytes?: number;

  @ApiPropertyOptional({ description: 'most endpoints the manifest may declare' })
  @IsOptional()
  @IsInt()
  @Min(1)
  maxEndpoints?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;
}

/** Kill switches and quotas: events like every other change, so they are audited and propagate like code. */
@ApiTags('operations')
@ApiBearerAuth()
@UseGuards(BearerTokenGuard)
@Controller('v1/repos/:repo')
export class OperationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: RepositoryStreams,
  ) {}

  @Get('switches')
  @ApiOperation({ summary: 'What is switched off' })
  async switches(@Param('repo') repo: string) {
    const state = await this.streams.loadExisting(repo);
    return { repository: state.switchedOff.repository ? 'off' : 'on', routesOff: [...state.switchedOff.routes].sort() };
  }

  @Post('switches')
  @HttpCode(200)
  @ApiOperation({ summary: 'Switch a route or the whole repository off (fast 503 on every gateway) or on again' })
  async switch(@Param('repo') repo: string, @Body() body: SwitchDto) {
    await this.commands.execute(new SwitchEndpointCommand(repo, body.route ?? null, body.enabled, body.actor ?? 'admin', body.reason));
    return this.switches(repo);
  }

  @Get('quotas')
  @ApiOperation({ summary: "The repository's quotas" })
  async quotas(@Param('repo') repo: string) {
    const state = await this.streams.loadExisting(repo);
    return { quotas: state.quotas };
  }

  @Put('quotas')
  @ApiOperation({ summary: 'Replace the quotas (omitted ones are unlimited)' })
  async setQuotas(@Param('repo') repo: string, @Body() body: QuotasDto) {
    const { actor, ...quotas } = body;
    await this.commands.execute(new SetQuotasCommand(repo, quotas, actor ?? 'admin'));
    return this.quotas(repo);
  }
}
