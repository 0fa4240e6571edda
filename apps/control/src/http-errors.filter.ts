/** The one place where domain errors become HTTP responses: `{ error: { code, message, details } }`. */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { VcsError } from '@dsp/vcs';

const STATUS_BY_CODE: Record<string, number> = {
  'repository-not-found': 404,
  'revision-not-found': 404,
  'file-not-found': 404,
  'repository-exists': 409,
  'stale-parent': 409,
  'invalid-commit': 422,
  'ambiguous-revision': 400,
  'invalid-cursor': 400,
  'not-a-branch': 400,
  'invalid-request': 400,
  'branch-protected': 409,
  'branch-exists': 409,
  'branch-not-found': 404,
  'tag-exists': 409,
  'tag-not-found': 404,
  'merge-conflict': 409,
  'revert-conflict': 409,
  'nothing-to-revert': 409,
  'not-deployable': 409,
  'not-rolled-back': 409,
  'mainline-required': 400,
  'invalid-mainline': 400,
  'reason-required': 400,
  'invalid-route': 400,
  'invalid-quota': 400,
};

@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.header('Content-Type', 'application/json; charset=utf-8');
    if (error instanceof VcsError) {
      void reply.status(STATUS_BY_CODE[error.code] ?? 400).send({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      const payload = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' ? body : { error: { code: codeOf(error.getStatus()), message: error.message } };
      void reply.status(error.getStatus()).send(payload);
      return;
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void reply.status(500).send({ error: { code: 'internal', message: 'internal error; the server log has the details' } });
  }
}

function codeOf(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 413) return 'payload-too-large';
  return 'invalid-request';
}
