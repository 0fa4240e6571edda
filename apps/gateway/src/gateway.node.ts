/** One API node: registry snapshot from the store, changes from the event log, device traffic over HTTP. */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { Topics, type RegistryChangedV1 } from '@dsp/contracts';
import type { EventLog, Subscription } from '@dsp/event-log';
import type { BackendServices } from '@dsp/runtime';
import type { InsightStore, RegistryReadModel, ScriptArtifacts, VcsReadModel } from '@dsp/store';
import { BackendInsight } from './backend-insight';
import { createGatewayServer } from './gateway.server';
import { InsightReporter } from './insight-reporter';
import { LiveRegistry } from './live-registry';
import { PreviewRegistry } from './preview-registry';
import { DEFAULT_REJECTION_HOLD_MS } from './rejection-hold';
import { DEFAULT_GUARDRAILS, Guardrails, type GuardrailOptions } from './guardrails';

function guardrailOptions(env: NodeJS.ProcessEnv = process.env): GuardrailOptions {
  const int = (name: string, fallback: number): number => (env[name] ? Number(env[name]) : fallback);
  return {
    maxInFlight: int('DSP_GATEWAY_MAX_IN_FLIGHT', DEFAULT_GUARDRAILS.maxInFlight),
    maxInFlightPerRepository: int('DSP_GATEWAY_MAX_IN_FLIGHT_PER_REPOSITORY', DEFAULT_GUARDRAILS.maxInFlightPerRepository),
    breakerFailures: int('DSP_GATEWAY_BREAKER_FAILURES', DEFAULT_GUARDRAILS.breakerFailures),
    breakerOpenMs: int('DSP_GATEWAY_BREAKER_OPEN_MS', DEFAULT_GUARDRAILS.breakerOpenMs),
    fairShare: onOff(env, 'DSP_GATEWAY_FAIR_SHARE'),
    scriptCores: scriptCoresOf(env),
    fairShareWindowMs: DEFAULT_GUARDRAILS.fairShareWindowMs,
  };
}

/** DSP_GATEWAY_REJECTION_HOLD_MS: how long a refusal due to a repository's own scripts is held before it is sent (0: at once). */
function rejectionHoldMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.DSP_GATEWAY_REJECTION_HOLD_MS;
  if (value === undefined || value === '') return DEFAULT_REJECTION_HOLD_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`DSP_GATEWAY_REJECTION_HOLD_MS must be a whole number of milliseconds, got '${value}'`);
  return ms;
}

/** A switch that is on unless set to 'off'. */
function onOff(env: NodeJS.ProcessEnv, name: string): boolean {
  const value = env[name];
  if (value === undefined || value === '' || value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`${name} must be 'on' or 'off', got '${value}'`);
}

/**
 * DSP_GATEWAY_SCRIPT_CORES, else the machine's cores but one, split between the supervisor's
 * worker processes (each has its own isolates and its own guardrails).
 */
function scriptCoresOf(env: NodeJS.ProcessEnv): number {
  const value = env.DSP_GATEWAY_SCRIPT_CORES;
  if (value === undefined || value === '') {
    const workers = cluster.isWorker ? Number(env.DSP_GATEWAY_WORKERS ?? 2) : 1; // main.ts's default
    return DEFAULT_GUARDRAILS.scriptCores / (Number.isInteger(workers) && workers > 1 ? workers : 1);
  }
  const cores = Number(value);
  if (!(cores > 0) || !Number.isFinite(cores)) throw new Error(`DSP_GATEWAY_SCRIPT_CORES must be a positive number of cores, got '${value}'`);
  return cores;
}

/** DSP_GATEWAY_INSIGHT_FLUSH_MS: how often the node stores its changed backend insight (default 5 s). */
function insightFlushMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.DSP_GATEWAY_INSIGHT_FLUSH_MS;
  if (value === undefined || value === '') return 5_000;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1) throw new Error(`DSP_GATEWAY_INSIGHT_FLUSH_MS must be a positive integer (milliseconds), got '${value}'`);
  return ms;
}

export interface GatewayNodeOptions {
  registry: RegistryReadModel;
  vcs: VcsReadModel;
  log: EventLog;
  services: BackendServices;
  /** Where the node's backend insight is summed with the other nodes'; without it, it stays on `/_dsp/insight`. */
  insightStore?: InsightStore;
  /** Persisted V8 code cache (see ScriptPrecompilerProjection); without it every version is compiled from source. */
  artifacts?: ScriptArtifacts;
  insightFlushMs?: number;
  resyncIntervalMs?: number;
  logger?: (message: string) => void;
}

export class GatewayNode {
  /** Unique per process (host, pid, random): names its registry consumer group and its insight rows. */
  readonly id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly live: LiveRegistry;
  readonly server: FastifyInstance;
  readonly previews: PreviewRegistry;
  readonly insight = new BackendInsight();
  private readonly reporter: InsightReporter | null;
  private subscription: Subscription | null = null;
  private resync: NodeJS.Timeout | null = null;

  constructor(private readonly options: GatewayNodeOptions) {
    const logger = options.logger ?? (() => undefined);
    // DSP_GATEWAY_CODE_CACHE=off compiles every version from source, DSP_GATEWAY_INLINE=off runs
    // every slice in the isolates' threads (both for comparison).
    const artifacts = onOff(process.env, 'DSP_GATEWAY_CODE_CACHE') ? options.artifacts : undefined;
    this.live = new LiveRegistry(options.registry, options.vcs, logger, artifacts, onOff(process.env, 'DSP_GATEWAY_INLINE'));
    this.previews = new PreviewRegistry(options.vcs, (entry) => this.live.scriptFiles(entry));
    this.server = createGatewayServer(this.live, options.services, {
      onError: logger,
      previews: this.previews,
      guardrails: new Guardrails(guardrailOptions()),
      rejectionHoldMs: rejectionHoldMs(),
      insight: this.insight,
    });
    this.reporter = options.insightStore ? new InsightReporter(this.insight, options.insightStore, this.id, logger) : null;
  }

  async start(port: number, host: string): Promise<string> {
    await this.options.log.ensureTopics([{ topic: Topics.registryChanges, compacted: true }]);
    // Follow changes from the start of the (compacted) topic: every repository's latest change
    // is replayed, revision guards skip what the snapshot already has, and nothing falls between.
    this.subscription = await this.options.log.subscribe(
      { topic: Topics.registryChanges, group: `dsp-gateway-${this.id}`, fromBeginning: true },
      async (message) => this.live.onChange(JSON.parse(message.value) as RegistryChangedV1),
    );
    const load = await this.live.loadAll();
    this.options.logger?.(
      `registry loaded: ${load.entries} repositories, ${load.endpoints} endpoints (list ${load.listMs.toFixed(0)} ms, code ${load.fetchMs.toFixed(0)} ms, compile ${load.compileMs.toFixed(0)} ms; code cache: ${this.live.stats.cacheAccepted} scripts accepted, ${this.live.stats.cacheMissing} missing, ${this.live.stats.cacheRejected} refused)`,
    );
    this.resync = setInterval(() => {
      this.live.loadAll().catch((error: unknown) => this.options.logger?.(`registry resync failed: ${String(error)}`));
    }, this.options.resyncIntervalMs ?? 30_000);
    this.resync.unref();
    this.reporter?.start(this.options.insightFlushMs ?? insightFlushMs());
    return this.server.listen({ port, host });
  }

  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    await this.subscription?.stop();
    await this.server.close();
    // After the server drained, so the calls of the last requests are stored too.
    await this.reporter?.stop();
    await this.live.close();
    this.previews.close();
  }
}
