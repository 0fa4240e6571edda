/**
 * git's dumb HTTP protocol, read-only: `git clone http://<control>/git/<repo>.git` fetches
 * info/refs, HEAD and then every loose object it lacks, one request per object. info/refs is
 * served as text/plain (not the smart protocol's content type), which makes git use dumb HTTP.
 */
import { Controller, Get, NotFoundException, Param, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GitObjectReader } from '@dsp/vcs';
import { BearerTokenGuard } from '../bearer-token.guard';
import { GitHttpErrorsFilter } from './git-http-errors.filter';

const TEXT = 'text/plain; charset=utf-8';
const LOOSE_OBJECT = /^objects\/([0-9a-f]{2})\/([0-9a-f]{38})$/;

@ApiExcludeController()
@UseGuards(BearerTokenGuard)
@UseFilters(GitHttpErrorsFilter)
@Controller('git')
export class GitHttpController {
  constructor(private readonly objects: GitObjectReader) {}

  @Get(':name/*')
  async serve(@Param('name') name: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // The route takes the whole segment: a Nest param cannot end in a literal '.git'.
    const repository = name.endsWith('.git') ? name.slice(0, -'.git'.length) : name;
    const path = (request.params as Record<string, string | undefined>)['*'] ?? '';
    const object = LOOSE_OBJECT.exec(path);
    if (object) {
      const body = await this.objects.readLooseObject(repository, `${object[1]}${object[2]}`);
      // An object never changes under its id.
      await reply.header('Content-Type', 'application/x-git-loose-object').header('Cache-Control', 'public, max-age=31536000, immutable').send(body);
      return;
    }
    switch (path) {
      case 'info/refs':
        return this.sendText(reply, await this.objects.infoRefs(repository));
      case 'HEAD':
        return this.sendText(reply, await this.objects.head(repository));
      case 'objects/info/packs':
        // Every object is loose: no packs to list.
        await this.objects.requireRepository(repository);
        return this.sendText(reply, '');
      default:
        // Also objects/info/alternates and http-alternates: there are none.
        throw new NotFoundException(`'${path}' does not exist in ${repository}.git`);
    }
  }

  private async sendText(reply: FastifyReply, body: string): Promise<void> {
    await reply.header('Content-Type', TEXT).header('Cache-Control', 'no-cache').send(body);
  }
}
