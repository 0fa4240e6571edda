/**
 * The outbox relay on its own, with an embedded store and an embedded log that can be made to
 * fail (Kafka unreachable). The log-facing behaviour shared with Kafka is in event-log.contract.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Topics, type EventEnvelope } from '@dsp/contracts';
import { EmbeddedEventStore } from '@dsp/store';
import { expectEventually } from '@dsp/testing';
import { EmbeddedEventLog } from './embedded-event-log';
import { EventLog, type LogMessage, type ReceivedMessage, type SubscribeOptions, type Subscription } from './event-log.port';
import { EventRelay } from './event-relay';

/** An event log whose next `failures` publishes are refused, as when the brokers are unreachable. */
class UnreliableEventLog extends EventLog {
  failures = 0;
  published = 0;
  constructor(private readonly inner: EventLog) {
    super();
  }
  ensureTopics(topics: { topic: string; compacted?: boolean }[]): Promise<void> {
    return this.inner.ensureTopics(topics);
  }
  async publish(topic: string, messages: LogMessage[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('broker unreachable');
    }
    await this.inner.publish(topic, messages);
    this.published += messages.length;
  }
  subscribe(options: SubscribeOptions, handler: (message: ReceivedMessage) => Promise<void>): Promise<Subscription> {
    return this.inner.subscribe(options, handler);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('EventRelay', () => {
  let store: EmbeddedEventStore;
  let inner: EmbeddedEventLog;
  let log: UnreliableEventLog;
  let relay: EventRelay;
  let received: EventEnvelope[];

  beforeEach(async () => {
    store = new EmbeddedEventStore(null);
    inner = new EmbeddedEventLog();
    log = new UnreliableEventLog(inner);
    relay = new EventRelay(store, log);
    received = [];
    await log.subscribe({ topic: Topics.repositoryEvents, group: 'test', fromBeginning: true }, async (message) => {
      received.push(JSON.parse(message.value) as EventEnvelope);
    });
  });

  afterEach(() => log.close());

  it('leaves events unpublished when the log refuses them, and the next sweep publishes them', async () => {
    const recorded = await store.append('repository-a', -1, [{ type: 'RepositoryCreated', data: {} }]);
    log.failures = 1;
    await expect(relay.publish(recorded)).rejects.toThrow('broker unreachable');
    expect(await store.unpublished()).toEqual(recorded);

    expect(await relay.sweep()).toBe(1);
    expect(await store.unpublished()).toEqual([]);
    await expectEventually(() => expect(received).toEqual(recorded), { timeoutMs: 2_000 });
  });

  it('runs one sweep at a time: concurrent sweeps publish each event once', async () => {
    await store.append('repository-a', -1, [{ type: 'RepositoryCreated', data: {} }, { type: 'CommitCreated', data: {} }]);
    const [first, second] = await Promise.all([relay.sweep(), relay.sweep()]);
    expect([first, second]).toEqual([2, 2]);
    expect(log.published).toBe(2);
  });

  // Regression: the relay used to mark a stream published through the last revision of the batch
  // it was given, even when earlier revisions had never been sent (their publish failed).
  it('still publishes an earlier commit whose publication failed, after a later commit was published', async () => {
    const first = await store.append('repository-a', -1, [
      { type: 'CommitCreated', data: { commit: 'a' } },
      { type: 'BranchMoved', data: { to: 'a' } },
    ]);
    log.failures = 1;
    await relay.publish(first).catch(() => undefined); // as CommitChangesHandler does

    const second = await store.append('repository-a', 1, [
      { type: 'CommitCreated', data: { commit: 'b' } },
      { type: 'BranchMoved', data: { to: 'b' } },
    ]);
    await relay.publish(second);
    await relay.sweep();

    await expectEventually(() => expect(received.map((e) => e.revision).sort()).toEqual([0, 1, 2, 3]), { timeoutMs: 2_000 });
  });
});
