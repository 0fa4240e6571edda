/**
 * The EventLog port's contract (and the outbox relay on top of it), run against every adapter:
 * embedded in the unit project, Kafka in the int project. Every test uses its own random topic
 * and consumer groups, so one log may serve the whole suite.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Topics, type EventEnvelope } from '@dsp/contracts';
import { EmbeddedEventStore } from '@dsp/store';
import { expectEventually, randomName } from '@dsp/testing';
import type { EventLog, LogMessage, ReceivedMessage, Subscription } from './event-log.port';
import { EventRelay } from './event-relay';

export interface EventLogContractOptions {
  /** How long a published message may take to reach a subscriber. */
  deliveryTimeoutMs: number;
}

export function describeEventLogContract(name: string, open: () => Promise<EventLog> | EventLog, options: EventLogContractOptions): void {
  describe(`EventLog contract: ${name}`, () => {
    let log: EventLog;
    let subscriptions: Subscription[] = [];
    const eventually = <T>(assertion: () => T, description: string) => expectEventually(assertion, { timeoutMs: options.deliveryTimeoutMs, intervalMs: 50, description });

    beforeAll(async () => {
      log = await open();
    });

    afterEach(async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
      subscriptions = [];
    });

    async function newTopic(): Promise<string> {
      const topic = randomName('topic');
      await log.ensureTopics([{ topic }]);
      return topic;
    }

    async function collect(topic: string, group: string, into: ReceivedMessage[]): Promise<void> {
      subscriptions.push(
        await log.subscribe({ topic, group, fromBeginning: true }, async (message) => {
          into.push(message);
        }),
      );
    }

    const byKey = (messages: LogMessage[]): Record<string, string[]> => {
      const keyed: Record<string, string[]> = {};
      for (const m of messages) (keyed[m.key] ??= []).push(m.value);
      return keyed;
    };

    it('delivers published messages to a group subscribed from the beginning, in order per key', async () => {
      const topic = await newTopic();
      const keys = ['repository-a', 'repository-b', 'repository-c'];
      const sent = Array.from({ length: 12 }, (_, i) => ({ key: keys[i % 3] ?? '', value: `${keys[i % 3]}:${i}:Grüße 🌍` }));
      await log.publish(topic, sent.slice(0, 5));
      await log.publish(topic, sent.slice(5));

      const received: ReceivedMessage[] = [];
      await collect(topic, randomName('group'), received);

      await eventually(() => expect(received).toHaveLength(sent.length), `${sent.length} messages on ${topic}`);
      expect(byKey(received)).toEqual(byKey(sent));
      for (const message of received) {
        expect(message.topic).toBe(topic);
        expect(Number.isInteger(message.partition)).toBe(true);
        expect(message.offset).toMatch(/^\d+$/);
      }
    });

    it('delivers messages published after subscribing', async () => {
      const topic = await newTopic();
      const received: ReceivedMessage[] = [];
      await collect(topic, randomName('group'), received);

      const sent = [
        { key: 'repository-a', value: 'one' },
        { key: 'repository-a', value: 'two' },
      ];
      await log.publish(topic, sent);
      await eventually(() => expect(received.map((m) => ({ key: m.key, value: m.value }))).toEqual(sent), 'two messages');
    });

    it('gives every message to each of two groups', async () => {
      const topic = await newTopic();
      const sent = Array.from({ length: 6 }, (_, i) => ({ key: `repository-${i % 2}`, value: `m${i}` }));
      await log.publish(topic, sent);

      const first: ReceivedMessage[] = [];
      const second: ReceivedMessage[] = [];
      await collect(topic, randomName('group'), first);
      await collect(topic, randomName('group'), second);

      await eventually(() => {
        expect(byKey(first)).toEqual(byKey(sent));
        expect(byKey(second)).toEqual(byKey(sent));
      }, 'every message in both groups');
    });

    it('gives a message whose handler threw to the handler again, and does not skip ahead of it', async () => {
      const topic = await newTopic();
      const sent = ['m1', 'm2', 'm3'].map((value) => ({ key: 'repository-a', value }));
      await log.publish(topic, sent);

      const attempts: string[] = [];
      const handled: string[] = [];
      let failed = false;
      subscriptions.push(
        await log.subscribe({ topic, group: randomName('group'), fromBeginning: true }, async (message) => {
          attempts.push(message.value);
          if (message.value === 'm2' && !failed) {
            failed = true;
            throw new Error('projection failed once');
          }
          handled.push(message.value);
        }),
      );

      await eventually(() => expect(handled).toContain('m3'), 'm3 handled');
      expect(attempts.filter((v) => v === 'm2').length).toBeGreaterThanOrEqual(2);
      // At least once: m1 may come again after the failure, but m3 is never handled before m2.
      expect(handled.indexOf('m2')).toBeGreaterThanOrEqual(0);
      expect(handled.indexOf('m2')).toBeLessThan(handled.indexOf('m3'));
      expect([...new Set(handled)]).toEqual(['m1', 'm2', 'm3']);
    });

    it('relays recorded events: publish right after the append, sweep what a crash left behind, mark both published', async () => {
      const store = new EmbeddedEventStore(null);
      const relay = new EventRelay(store, log);
      await log.ensureTopics([{ topic: Topics.repositoryEvents }]);
      const [a, b] = [randomName('repository'), randomName('repository')];

      const first = await store.append(a, -1, [
        { type: 'RepositoryCreated', data: { repository: a } },
        { type: 'CommitCreated', data: { n: 1 } },
      ]);
      await relay.publish(first);
      expect(await store.unpublished()).toEqual([]);

      // Appended but never published (the process died before the relay ran).
      const second = await store.append(a, 1, [
        { type: 'CommitCreated', data: { n: 2 } },
        { type: 'BranchMoved', data: { n: 3 } },
      ]);
      const third = await store.append(b, -1, [{ type: 'RepositoryCreated', data: { repository: b } }]);
      expect(await store.unpublished()).toEqual([...second, ...third]);

      expect(await relay.sweep()).toBe(3);
      expect(await store.unpublished()).toEqual([]);
      expect(await relay.sweep()).toBe(0);

      const received: ReceivedMessage[] = [];
      await collect(Topics.repositoryEvents, randomName('group'), received);
      const mine = (): ReceivedMessage[] => received.filter((m) => m.key === a || m.key === b);
      await eventually(() => expect(mine()).toHaveLength(5), 'five relayed events');

      const decoded = mine().map((m) => ({ key: m.key, event: JSON.parse(m.value) as EventEnvelope }));
      for (const { key, event } of decoded) expect(event.stream).toBe(key);
      expect(decoded.filter((d) => d.key === a).map((d) => d.event)).toEqual([...first, ...second]);
      expect(decoded.filter((d) => d.key === b).map((d) => d.event)).toEqual(third);
    });
  });
}
