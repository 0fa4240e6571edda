import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/** Every management route needs `Authorization: Bearer <token>`. Roles arrive with the access context. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly expected: Buffer;
  constructor(@Inject(ADMIN_TOKEN) token: string) {
    this.expected = Buffer.from(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    const given = Buffer.from(match?.[1] ?? '');
    if (!match || given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      throw new UnauthorizedException({ error: { code: 'unauthorized', message: 'missing or wrong bearer token (Authorization: Bearer <token>)' } });
    }
    return true;
  }
}
