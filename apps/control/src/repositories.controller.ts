import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MANIFEST_PATH } from '@dsp/contracts';
import { endpointChanges, parseManifest } from '@dsp/deployment';
import { CommitChangesCommand, CommitResult, CreateRepositoryCommand, RepositoryReader, structuredDiff, VcsError } from '@dsp/vcs';
import { BearerTokenGuard } from './bearer-token.guard';
import { CommitDto, CreateRepositoryDto } from './commit.dto';

@ApiTags('repositories')
@ApiBearerAuth()
@UseGuards(BearerTokenGuard)
@Controller('v1/repos')
export class RepositoriesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: RepositoryReader,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a repository' })
  create(@Body() body: CreateRepositoryDto): Promise<{ name: string; createdAt: string }> {
    return this.commands.execute(new CreateRepositoryCommand(body.name));
  }

  @Get()
  @ApiOperation({ summary: 'List repositories' })
  async list() {
    return { repositories: await this.reader.listRepositories() };
  }

  @Post(':repo/commits')
  @ApiOperation({ summary: 'Commit changes on a branch (compare-and-swap on the parent)' })
  commit(@Param('repo') repo: string, @Body() body: CommitDto): Promise<CommitResult> {
    const command = new CommitChangesCommand(
      repo,
      body.branch,
      body.parent,
      body.message,
      { name: body.author.name, email: body.author.email },
      body.changes.map((c) => ({ path: c.path, content: c.content, delete: c.delete })),
    );
    return this.commands.execute(command);
  }

  @Get(':repo/commits')
  @ApiOperation({ summary: 'History of a branch (first parents), newest first; with `path`, the history of one file' })
  @ApiQuery({ name: 'ref', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'path', required: false })
  async log(@Param('repo') repo: string, @Query('ref') ref = 'main', @Query('limit') limit = '50', @Query('cursor') cursor?: string, @Query('path') path?: string) {
    const page = await this.reader.log(repo, ref, clampLimit(limit), cursor, path);
    return { commits: page.commits.map(({ changes: _changes, repository: _repository, ...rest }) => rest), next: page.next };
  }

  @Get(':repo/commits/:rev')
  @ApiOperation({ summary: 'One commit with the files it changed' })
  async show(@Param('repo') repo: string, @Param('rev') rev: string) {
    const { repository: _repository, ...commit } = await this.reader.resolve(repo, rev);
    return commit;
  }

  @Get(':repo/refs')
  @ApiOperation({ summary: 'Branches and their heads' })
  async refs(@Param('repo') repo: string) {
    return { refs: (await this.reader.refs(repo)).map((r) => ({ name: r.name, commit: r.commit })) };
  }

  @Get(':repo/tree')
  @ApiOperation({ summary: 'Every file of a revision with its blob id' })
  @ApiQuery({ name: 'ref', required: false })
  async tree(@Param('repo') repo: string, @Query('ref') ref = 'main') {
    await this.reader.requireRepository(repo);
    const branchHead = (await this.reader.refs(repo)).find((r) => r.name === ref);
    if (!branchHead && ref === 'main') return { commit: null, files: [] };
    const commit = await this.reader.resolve(repo, ref);
    return { commit: commit.commit, files: await this.reader.files(repo, commit) };
  }

  @Get(':repo/files/*')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Raw content of a file at a revision' })
  @ApiQuery({ name: 'ref', required: false })
  file(@Param('repo') repo: string, @Req() request: FastifyRequest, @Query('ref') ref = 'main'): Promise<string> {
    const path = (request.params as Record<string, string>)['*'] ?? '';
    return this.reader.readFile(repo, ref, decodeURIComponent(path));
  }

  @Get(':repo/blame/*')
  @ApiOperation({ summary: 'The commit that last changed each line of a file on a branch' })
  @ApiQuery({ name: 'ref', required: false, description: 'a branch (default main)' })
  async blame(@Param('repo') repo: string, @Req() request: FastifyRequest, @Query('ref') ref = 'main') {
    const path = decodeURIComponent((request.params as Record<string, string>)['*'] ?? '');
    const lines = await this.reader.blame(repo, ref, path);
    const commits = new Map<string, { author: string; timestamp: number; summary: string }>();
    for (const line of lines) {
      if (commits.has(line.commit)) continue;
      const commit = await this.reader.resolve(repo, line.commit);
      commits.set(line.commit, { author: commit.author.name, timestamp: commit.author.timestamp, summary: commit.message.split('\n')[0] ?? '' });
    }
    return { path, ref, lines: lines.map((l) => ({ line: l.line, commit: l.commit, content: l.content })), commits: Object.fromEntries(commits) };
  }

  @Get(':repo/diff')
  @ApiOperation({ summary: 'Diff of two revisions: git-format text (text/x-diff), JSON (files, hunks, counts) or the semantic endpoint diff' })
  @ApiQuery({ name: 'from', required: true })
  @ApiQuery({ name: 'to', required: true })
  @ApiQuery({ name: 'format', required: false, enum: ['text', 'json', 'endpoints'] })
  async diff(@Param('repo') repo: string, @Res({ passthrough: true }) reply: FastifyReply, @Query('from') from?: string, @Query('to') to?: string, @Query('format') format = 'text') {
    if (!from || !to) throw new VcsError('invalid-request', 'diff needs both ?from=<rev> and ?to=<rev>');
    if (format === 'text') {
      void reply.header('Content-Type', 'text/x-diff; charset=utf-8');
      return this.reader.diff(repo, from, to);
    }
    const { before, after, from: a, to: b } = await this.reader.snapshots(repo, from, to);
    if (format === 'json') return { from: a.commit, to: b.commit, files: structuredDiff(before, after) };
    if (format === 'endpoints') {
      const endpointsOf = (files: Map<string, { content: string }>) => {
        const manifest = files.get(MANIFEST_PATH);
        return manifest ? parseManifest(manifest.content, new Map([...files].map(([path]) => [path, '']))).manifest.endpoints : [];
      };
      const changedScripts = new Set([...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path)?.blob !== after.get(path)?.blob));
      const sources = new Map([...after].map(([path, file]) => [path, file.content]));
      return { from: a.commit, to: b.commit, ...endpointChanges(endpointsOf(before), endpointsOf(after), changedScripts, sources) };
    }
    throw new VcsError('invalid-request', `format must be text, json or endpoints, got '${format}'`);
  }

  @Get(':repo/endpoints')
  @ApiOperation({ summary: 'Endpoints declared at a revision' })
  @ApiQuery({ name: 'ref', required: false })
  async endpoints(@Param('repo') repo: string, @Query('ref') ref = 'main') {
    const commit = await this.reader.resolve(repo, ref);
    const files = await this.reader.files(repo, commit);
    if (!files.some((f) => f.path === MANIFEST_PATH)) return { commit: commit.commit, endpoints: [] };
    const manifest = await this.reader.readFile(repo, commit.commit, MANIFEST_PATH);
    const { manifest: parsed } = parseManifest(manifest, new Map(files.map((f) => [f.path, ''])));
    return { commit: commit.commit, endpoints: parsed.endpoints };
  }
}

function clampLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new VcsError('invalid-request', `limit must be an integer from 1 to 500, got '${value}'`);
  return n;
}
