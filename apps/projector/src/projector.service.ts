/**
 * Consumes repository events and applies them to every projection, in stream order, exactly
 * once in effect: redeliveries at or below the checkpoint are skipped, and a gap (an event
 * arriving before its predecessors) is filled from the event store.
 */
import { Injectable, Logger } from '@nestjs/common';
import { Topics, type EventEnvelope } from '@dsp/contracts';
import { RegistryProjection, ScriptPrecompilerProjection } from '@dsp/deployment';
import { EventLog, Subscription } from '@dsp/event-log';
import { ProcessMetrics } from '@dsp/observability';
import { EventStore, ProjectionCheckpoints } from '@dsp/store';
import { VcsProjection } from '@dsp/vcs';

export const PROJECTOR_GROUP = 'dsp-projector';
const CHECKPOINT = 'projector';

@Injectable()
export class ProjectorService {
  private readonly logger = new Logger('Projector');
  private subscription: Subscription | null = null;
  private readonly streamLocks = new Map<string, Promise<void>>();
  readonly metrics = new ProcessMetrics('projector');
  private readonly projected = this.metrics.counter('dsp_projector_events_total', 'Events applied to the projections, by type', ['type']);
  private readonly skipped = this.metrics.counter('dsp_projector_events_skipped_total', 'Redelivered events at or below the checkpoint');
  private readonly lag = this.metrics.gauge('dsp_projector_lag_seconds', 'Time from an event being recorded to being projected (last event)');

  constructor(
    private readonly log: EventLog,
    private readonly store: EventStore,
    private readonly checkpoints: ProjectionCheckpoints,
    private readonly vcs: VcsProjection,
    private readonly registry: RegistryProjection,
    private readonly precompiler: ScriptPrecompilerProjection,
  ) {}

  async start(): Promise<void> {
    await this.log.ensureTopics([{ topic: Topics.repositoryEvents }, { topic: Topics.registryChanges, compacted: true }]);
    this.subscription = await this.log.subscribe({ topic: Topics.repositoryEvents, group: PROJECTOR_GROUP, fromBeginning: true }, async (message) => {
      await this.handle(JSON.parse(message.value) as EventEnvelope);
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }

  /** Applies one delivered event (and any missing predecessors). Serialised per stream. */
  handle(envelope: EventEnvelope): Promise<void> {
    const previous = this.streamLocks.get(envelope.stream) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.catchUp(envelope));
    this.streamLocks.set(envelope.stream, next);
    return next;
  }

  /** Re-applies the whole history of every stream; with the guards in place this changes nothing. */
  async replayAll(): Promise<number> {
    let applied = 0;
    for (const stream of await this.store.streams()) {
      for (const event of await this.store.read(stream)) {
        await this.applyToProjections(event);
        applied += 1;
      }
    }
    return applied;
  }

  private async catchUp(envelope: EventEnvelope): Promise<void> {
    const last = await this.checkpoints.get(CHECKPOINT, envelope.stream);
    if (envelope.revision <= last) {
      this.skipped.inc();
      return;
    }
    const events = envelope.revision === last + 1 ? [envelope] : await this.store.read(envelope.stream, last + 1);
    for (const event of events) {
      if (event.revision > envelope.revision) break;
      await this.applyToProjections(event);
      await this.checkpoints.set(CHECKPOINT, event.stream, event.revision);
      this.projected.inc({ type: event.type });
      this.lag.set((Date.now() - Date.parse(event.recordedAt)) / 1000);
    }
  }

  private async applyToProjections(event: EventEnvelope): Promise<void> {
    try {
      // Precompiling runs beside the read models, and before the registry announces the code to gateways.
      await Promise.all([this.vcs.apply(event), this.precompiler.apply(event)]);
      await this.registry.apply(event);
    } catch (error) {
      this.logger.error(`failed to project ${event.stream}@${event.revision} (${event.type}): ${String(error)}`);
      throw error;
    }
  }
}
