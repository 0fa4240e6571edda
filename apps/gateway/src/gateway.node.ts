/** One API node: registry snapshot from the store, changes from the event log, device traffic over HTTP. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { Topics, type RegistryChangedV1 } from '@dsp/contracts';
import type { EventLog, Subscription } from '@dsp/event-log';
import type { BackendServices } from '@dsp/runtime';
import type { RegistryReadModel, VcsReadModel } from '@dsp/store';
import { createGatewayServer } from './gateway.server';
import { LiveRegistry } from './live-registry';
import { PreviewRegistry } from './preview-registry';
import { DEFAULT_GUARDRAILS, Guardrails, type GuardrailOptions } from './guardrails';

function guardrailOptions(env: NodeJS.ProcessEnv = process.env): GuardrailOptions {
  const int = (name: string, fallback: number): number => (env[name] ? Number(env[name]) : fallback);
  return {
    maxInFlight: int('DSP_GATEWAY_MAX_IN_FLIGHT', DEFAULT_GUARDRAILS.maxInFlight),
    maxInFlightPerRepository: int('DSP_GATEWAY_MAX_IN_FLIGHT_PER_REPOSITORY', DEFAULT_GUARDRAILS.maxInFlightPerRepository),
    breakerFailures: int('DSP_GATEWAY_BREAKER_FAILURES', DEFAULT_GUARDRAILS.breakerFailures),
    breakerOpenMs: int('DSP_GATEWAY_BREAKER_OPEN_MS', DEFAULT_GUARDRAILS.breakerOpenMs),
  };
}

export interface GatewayNodeOptions {
  registry: RegistryReadModel;
  vcs: VcsReadModel;
  log: EventLog;
  services: BackendServices;
  resyncIntervalMs?: number;
  logger?: (message: string) => void;
}

export class GatewayNode {
  readonly live: LiveRegistry;
  readonly server: FastifyInstance;
  readonly previews: PreviewRegistry;
  private subscription: Subscription | null = null;
  private resync: NodeJS.Timeout | null = null;

  constructor(private readonly options: GatewayNodeOptions) {
    const logger = options.logger ?? (() => undefined);
    this.live = new LiveRegistry(options.registry, options.vcs, logger);
    this.previews = new PreviewRegistry(options.vcs, (entry) => this.live.scriptFiles(entry));
    this.server = createGatewayServer(this.live, options.services, { onError: logger, previews: this.previews, guardrails: new Guardrails(guardrailOptions()) });
  }

  async start(port: number, host: string): Promise<string> {
    await this.options.log.ensureTopics([{ topic: Topics.registryChanges, compacted: true }]);
    // Follow changes from the start of the (compacted) topic: every repository's latest change
    // is replayed, revision guards skip what the snapshot already has, and nothing falls between.
    this.subscription = await this.options.log.subscribe(
      { topic: Topics.registryChanges, group: `dsp-gateway-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`, fromBeginning: true },
      async (message) => this.live.onChange(JSON.parse(message.value) as RegistryChangedV1),
    );
    await this.live.loadAll();
    this.resync = setInterval(() => {
      this.live.loadAll().catch((error: unknown) => this.options.logger?.(`registry resync failed: ${String(error)}`));
    }, this.options.resyncIntervalMs ?? 30_000);
    this.resync.unref();
    return this.server.listen({ port, host });
  }

  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    await this.subscription?.stop();
    await this.server.close();
    await this.live.close();
    this.previews.close();
  }
}
