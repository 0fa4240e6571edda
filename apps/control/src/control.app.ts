/** Builds the control (management API) Nest application on given engines; used alone and in the platform. */
import { DynamicModule, Module, ValidationPipe, BadRequestException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ValidationError } from 'class-validator';
import { EventLog, EventLogModule, EventRelay } from '@dsp/event-log';
import { ProcessMetrics, processLogger } from '@dsp/observability';
import { StorageEngines, StoreModule } from '@dsp/store';
import { ADMIN_TOKEN } from './bearer-token.guard';
import { ControlModule } from './control.module';
import { HttpErrorsFilter } from './http-errors.filter';

export interface ControlAppOptions {
  engines: StorageEngines;
  log: EventLog;
  adminToken: string;
  shared?: boolean;
  relayIntervalMs?: number;
}

export async function createControlApp(options: ControlAppOptions): Promise<NestFastifyApplication> {
  @Module({})
  class ControlRootModule {
    static register(): DynamicModule {
      return {
        module: ControlRootModule,
        global: true,
        imports: [
          StoreModule.forEngines(options.engines, { shared: options.shared }),
          EventLogModule.forLog(options.log, { shared: options.shared }),
          ControlModule,
        ],
        providers: [{ provide: ADMIN_TOKEN, useValue: options.adminToken }],
        exports: [ADMIN_TOKEN],
      };
    }
  }
  const app = await NestFactory.create<NestFastifyApplication>(ControlRootModule.register(), new FastifyAdapter({ bodyLimit: 8 * 1024 * 1024 }), {
    logger: processLogger('control'),
  });
  const metrics = new ProcessMetrics('control');
  const requests = metrics.counter('dsp_control_requests_total', 'Management API requests by route and status', ['method', 'route', 'status']);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', async (request, reply) => {
    requests.inc({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });
  fastify.get('/metrics', async (_request, reply) => reply.header('Content-Type', metrics.contentType).send(await metrics.render()));
  app.useGlobalFilters(new HttpErrorsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: false,
      exceptionFactory: (errors) =>
        new BadRequestException({
          error: { code: 'invalid-request', message: `request body is invalid: ${flatten(errors).map((p) => p.message).join('; ')}`, details: { problems: flatten(errors) } },
        }),
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('DSP management API').setVersion('1').addBearerAuth().build(),
  );
  app.getHttpAdapter().get('/v1/openapi.json', (_request: unknown, reply: { send(body: unknown): void }) => reply.send(document));
  const relay = app.get(EventRelay);
  relay.start(options.relayIntervalMs ?? 2000);
  return app;
}

function flatten(errors: ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(field) ? message : message.startsWith(error.property) ? `${field}${message.slice(error.property.length)}` : `${field}: ${message}`,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
