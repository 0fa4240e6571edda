/**
 * Errors of the git routes in the shape the git client understands: a short text body, 401
 * with a WWW-Authenticate challenge, 404 for what does not exist. Takes precedence over the
 * JSON filter of the management API for this controller only.
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { VcsError } from '@dsp/vcs';

const NOT_FOUND_CODES = new Set(['repository-not-found', 'object-not-found']);

@Catch()
export class GitHttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('GitHttp');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.header('Content-Type', 'text/plain; charset=utf-8').header('Cache-Control', 'no-cache');
    if (error instanceof UnauthorizedException) {
      void reply
        .status(401)
        .header('WWW-Authenticate', 'Bearer realm="dsp"')
        .send('missing or wrong bearer token: git -c http.extraHeader="Authorization: Bearer <token>" clone <url>\n');
      return;
    }
    if (error instanceof VcsError && NOT_FOUND_CODES.has(error.code)) {
      void reply.status(404).send(`${error.message}\n`);
      return;
    }
    if (error instanceof HttpException && error.getStatus() < 500) {
      void reply.status(error.getStatus()).send(`${error.message}\n`);
      return;
    }
    // Includes object-corrupt: a rendering bug, which must be seen in the log.
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void reply.status(500).send('internal error; the server log has the details\n');
  }
}
