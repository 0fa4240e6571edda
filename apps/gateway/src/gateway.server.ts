/**
 * The device-facing HTTP server (the hot path): plain Fastify, no framework layers between the
 * socket and the sandbox. Routes live in the registry; `/_dsp/*` is reserved for the node itself.
 */
import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { routeKey } from '@dsp/deployment';
import { Guardrails, type IsolateCpuClock } from './guardrails';
import { DEFAULT_REJECTION_HOLD_MS, RejectionHold } from './rejection-hold';
import { BackendInsight } from './backend-insight';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { type EndpointRequests, RequestMetrics } from './request-metrics';
import type { EndpointDeclarationV1 } from '@dsp/contracts';
import type { RegistryEntry } from '@dsp/store';
import { type BackendServices, type DeviceRequest, type ScriptLimits, type ScriptResponse, ScriptError, DEFAULT_SCRIPT_LIMITS, bodyJsonOf } from '@dsp/runtime';
import type { LiveRegistry } from './live-registry';
import { PREVIEW_HEADER, PreviewError, PreviewRegistry } from './preview-registry';

const STATUS_BY_SCRIPT_ERROR: Record<string, number> = {
  'script-timeout': 504,
  'script-memory': 503,
  'script-threw': 500,
  'script-bad-response': 502,
  'script-not-found': 500,
  'script-disposed': 503,
};

export interface EdgeLimits {
  maxBodyBytes: number;
  maxUrlBytes: number;
  maxHeaderBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

export const DEFAULT_EDGE_LIMITS: EdgeLimits = { maxBodyBytes: 1024 * 1024, maxUrlBytes: 8 * 1024, maxHeaderBytes: 16 * 1024, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

function deviceRequestOf(request: FastifyRequest, path: string, params: Record<string, string>): DeviceRequest {
  return { method: request.method, path, params, query: request.query as Record<string, string>, headers: request.headers as Record<string, string>, body: request.body ?? null };
}

/**
 * Sends a script's response. A JSON body goes out as the text the isolate serialised (with
 * Fastify's JSON content type unless the script set one), not parsed and serialised again; a
 * string body is sent as text, as Fastify sends strings.
 */
function sendScriptResponse(reply: FastifyReply, response: ScriptResponse): FastifyReply {
  reply.status(response.status).headers(response.headers);
  const json = bodyJsonOf(response);
  if (json === undefined || json.charCodeAt(0) === 0x22 /* a JSON string */) return reply.send(response.body);
  if (!reply.hasHeader('content-type')) reply.type('application/json; charset=utf-8');
  return reply.send(json);
}

interface EndpointServing {
  /** `GET /tv/hello/:name`: the endpoint label of metrics and insight. */
  label: string;
  /** The guardrails' key for the endpoint (switches, breakers). */
  route: string;
  limits: ScriptLimits;
  /** The backend services, traced for insight under this repository, endpoint and commit. */
  services: BackendServices;
  /** Its request counts and latency (metrics). */
  requests: EndpointRequests;
}

/** An endpoint's declared limits, with the platform's defaults for what it leaves out. */
function limitsOf(endpoint: EndpointDeclarationV1): ScriptLimits {
  return { timeoutMs: endpoint.timeoutMs ?? DEFAULT_SCRIPT_LIMITS.timeoutMs, memoryMb: endpoint.memoryMb ?? DEFAULT_SCRIPT_LIMITS.memoryMb };
}

export function createGatewayServer(
  registry: LiveRegistry,
  services: BackendServices,
  options: { onError?: (message: string) => void; previews?: PreviewRegistry; guardrails?: Guardrails; limits?: Partial<EdgeLimits>; insight?: BackendInsight; rejectionHoldMs?: number } = {},
): FastifyInstance {
  const limits: EdgeLimits = { ...DEFAULT_EDGE_LIMITS, ...options.limits };
  const guardrails = options.guardrails ?? new Guardrails();
  const rejectionHold = new RejectionHold(options.rejectionHoldMs ?? DEFAULT_REJECTION_HOLD_MS);
  // Edge limits: Node answers 431 past maxHeaderSize and 408 past headersTimeout / requestTimeout;
  // Fastify answers 413 past bodyLimit; the URL check below answers 414. Nothing is buffered unbounded.
  const app = Fastify({
    bodyLimit: limits.maxBodyBytes,
    maxParamLength: 500,
    connectionTimeout: limits.requestTimeoutMs,
    serverFactory: (handler) =>
      createServer({ maxHeaderSize: limits.maxHeaderBytes, headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs }, handler),
  });
  app.addHook('preClose', async () => rejectionHold.releaseAll());
  app.addHook('onRequest', (request, reply, done) => {
    if (request.url.length > limits.maxUrlBytes) {
      void reply.status(414).send({ error: { code: 'uri-too-long', message: `request URLs are limited to ${limits.maxUrlBytes} bytes` } });
      return;
    }
    done();
  });
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const requestMetrics = new RequestMetrics(metrics);
  const scriptCpu = new Counter({ name: 'dsp_gateway_script_cpu_seconds_total', help: "CPU time of repositories' isolates (script execution)", labelNames: ['repository'], registers: [metrics] });
  guardrails.onCpuCharged((repository, cpuMs) => scriptCpu.inc({ repository }, cpuMs / 1000));

  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get('/_dsp/health', async () => ({
    status: 'ok',
    pid: process.pid,
    repositories: registry.size,
    running: guardrails.running,
    rssBytes: process.memoryUsage.rss(),
    startup: registry.lastLoad,
    compile: registry.stats,
    inline: registry.inline,
  }));
  const compileStat = (name: string, help: string, read: () => number): void => {
    new Counter({ name, help, registers: [metrics], collect() { this.reset(); this.inc(read()); } });
  };
  compileStat('dsp_gateway_compilations_total', 'Repository versions compiled into isolates', () => registry.stats.compilations);
  compileStat('dsp_gateway_compile_seconds_total', 'Time spent compiling repository versions (fetching persisted code included)', () => registry.stats.compileSeconds);
  compileStat('dsp_gateway_code_cache_accepted_total', 'Scripts compiled from persisted V8 code cache', () => registry.stats.cacheAccepted);
  compileStat('dsp_gateway_code_cache_rejected_total', 'Scripts whose persisted V8 code cache V8 refused (compiled from source, replaced)', () => registry.stats.cacheRejected);
  compileStat('dsp_gateway_code_cache_missing_total', 'Scripts without persisted V8 code cache for this engine (compiled from source, stored)', () => registry.stats.cacheMissing);
  compileStat('dsp_gateway_inline_runs_total', "Runs whose first slice ran inline on the event loop's thread (see InlineGate)", () => registry.inline.runs);
  compileStat('dsp_gateway_inline_batches_total', 'Batches those inline runs entered their isolates in', () => registry.inline.batches);
  compileStat('dsp_gateway_inline_overruns_total', 'Inline batches stopped at the inline budget (their runs restarted in the isolate thread)', () => registry.inline.overruns);
  new Gauge({ name: 'dsp_gateway_inline_struck_repositories', help: 'Repositories that hit a limit running inline and no longer run inline on this process', registers: [metrics], collect() { this.set(Object.keys(registry.inline.struck).length); } });
  new Gauge({ name: 'dsp_gateway_isolates', help: 'Live isolates of deployed repository versions on this process', registers: [metrics], collect() { this.set(registry.size); } });
  const insight = options.insight ?? new BackendInsight();
  insight.exportMetrics(metrics);
  /** What serving an endpoint of an installed version needs on every request, worked out once. */
  const servingByEndpoint = new WeakMap<EndpointDeclarationV1, EndpointServing>();
  const servingOf = (entry: RegistryEntry, endpoint: EndpointDeclarationV1): EndpointServing => {
    let serving = servingByEndpoint.get(endpoint);
    if (serving === undefined) {
      const label = `${endpoint.method} ${endpoint.path}`;
      serving = {
        label,
        route: routeKey(endpoint.method, endpoint.path),
        limits: limitsOf(endpoint),
        services: insight.tracing(services, { repository: entry.repository, endpoint: label, commit: entry.commit }),
        requests: requestMetrics.of(entry.repository, label),
      };
      servingByEndpoint.set(endpoint, serving);
    }
    return serving;
  };
  app.get<{ Querystring: { repository?: string } }>('/_dsp/insight', async (request) => ({ node: process.pid, calls: insight.report(request.query.repository) }));
  app.get('/_dsp/metrics', async (_request, reply) => reply.header('Content-Type', metrics.contentType).send(await metrics.metrics()));

  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const url = request.url;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const previewRef = request.headers[PREVIEW_HEADER];
    if (typeof previewRef === 'string' && options.previews) {
      const served = await servePreview(request, reply, path, previewRef, options.previews);
      if (served !== null) return served;
    }
    const match = registry.match(request.method, path);
    if (!match) return reply.status(404).send({ error: { code: 'no-such-endpoint', message: `no endpoint serves ${request.method} ${path}` } });
    const { repository, endpoint, params } = match;
    const serving = servingOf(repository.entry, endpoint);
    const route = serving.route;
    const rejection = guardrails.admit(repository.entry, route, repository.compiled);
    if (rejection) {
      serving.requests.counted(rejection.status);
      if (rejection.retryAfterSeconds !== undefined) reply.header('Retry-After', String(rejection.retryAfterSeconds));
      if (rejection.held) await new Promise<void>((resolve) => rejectionHold.hold(resolve));
      return reply.status(rejection.status).send({ error: { code: rejection.code, message: rejection.message } });
    }
    let failed = false;
    let isolate: IsolateCpuClock = repository.compiled;
    const started = performance.now();
    const endpointLabel = serving.label;
    reply.header('X-DSP-Commit', repository.entry.commit);
    const deviceRequest = deviceRequestOf(request, path, params);
    const limits = serving.limits;
    try {
      let response;
      try {
        response = await repository.compiled.run(endpoint.script, deviceRequest, serving.services, limits);
      } catch (error) {
        // Another request killed the shared isolate (memory limit): recompile and retry once.
        if (!(error instanceof ScriptError && error.code === 'script-disposed')) throw error;
        await registry.recompile(repository.entry.repository);
        const fresh = registry.match(request.method, path);
        if (!fresh || fresh.repository.compiled.disposed) throw error;
        guardrails.charge(repository.entry.repository, isolate);
        isolate = fresh.repository.compiled;
        response = await fresh.repository.compiled.run(endpoint.script, deviceRequest, serving.services, limits);
      }
      serving.requests.counted(response.status);
      return sendScriptResponse(reply, response);
    } catch (error) {
      failed = true;
      const code = error instanceof ScriptError ? error.code : 'gateway-error';
      const status = STATUS_BY_SCRIPT_ERROR[code] ?? 500;
      serving.requests.counted(status);
      if (repository.compiled.disposed) void registry.recompile(repository.entry.repository).catch(() => undefined);
      if (!(error instanceof ScriptError)) options.onError?.(`gateway error on ${endpointLabel}: ${String(error)}`);
      return reply.status(status).send({ error: { code, message: error instanceof Error ? error.message : String(error) } });
    } finally {
      serving.requests.timed((performance.now() - started) / 1000);
      // Quotas and the fair share are charged the isolate's own CPU time, not this wall time.
      guardrails.finish(repository.entry.repository, route, failed, isolate);
    }
  };
  /** Serves from the previewed branch, or returns null to fall through to production (other repositories). */
  const servePreview = async (request: FastifyRequest, reply: FastifyReply, path: string, ref: string, previews: PreviewRegistry): Promise<unknown> => {
    try {
      const { repository, branch } = PreviewRegistry.parse(ref);
      const preview = await previews.get(repository, branch);
      const found = previews.match(preview, request.method, path);
      if (!found) {
        if (registry.match(request.method, path)?.repository.entry.repository !== repository) return null;
        return reply.status(404).send({ error: { code: 'no-such-endpoint', message: `${repository}@${branch} does not serve ${request.method} ${path}` } });
      }
      reply.header('X-DSP-Commit', preview.entry.commit).header('X-DSP-Preview', `${repository}@${branch}`);
      const response = await preview.compiled.run(found.endpoint.script, deviceRequestOf(request, path, found.params), services, limitsOf(found.endpoint));
      return sendScriptResponse(reply, response);
    } catch (error) {
      if (error instanceof PreviewError) return reply.status(error.status).send({ error: { code: error.code, message: error.message } });
      const code = error instanceof ScriptError ? error.code : 'gateway-error';
      return reply.status(STATUS_BY_SCRIPT_ERROR[code] ?? 500).send({ error: { code, message: error instanceof Error ? error.message : String(error) } });
    }
  };

  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/*', handler: serve });
  app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/', handler: serve });
  return app;
}
