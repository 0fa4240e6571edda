import { EventLog, LogMessage, ReceivedMessage, SubscribeOptions, Subscription } from './event-log.port';

interface GroupCursor {
  offset: number;
  handlers: ((message: ReceivedMessage) => Promise<void>)[];
  draining: Promise<void> | null;
  next: number;
}

/**
 * In-process event log for the single-process platform: one ordered partition per topic, a
 * cursor per consumer group, delivery on the next tick, redelivery while a handler throws.
 */
export class EmbeddedEventLog extends EventLog {
  private readonly topics = new Map<string, ReceivedMessage[]>();
  private readonly groups = new Map<string, GroupCursor>();
  private closed = false;

  async ensureTopics(): Promise<void> {}

  async publish(topic: string, messages: LogMessage[]): Promise<void> {
    const log = this.topicLog(topic);
    for (const message of messages) {
      log.push({ ...message, topic, partition: 0, offset: String(log.length) });
    }
    for (const [key, group] of this.groups) if (key.startsWith(`${topic}\u0000`)) this.drain(topic, group);
  }

  async subscribe(options: SubscribeOptions, handler: (message: ReceivedMessage) => Promise<void>): Promise<Subscription> {
    const key = `${options.topic}\u0000${options.group}`;
    let group = this.groups.get(key);
    if (!group) {
      group = { offset: options.fromBeginning ? 0 : this.topicLog(options.topic).length, handlers: [], draining: null, next: 0 };
      this.groups.set(key, group);
    }
    group.handlers.push(handler);
    this.drain(options.topic, group);
    const owner = group;
    return {
      stop: async () => {
        owner.handlers = owner.handlers.filter((h) => h !== handler);
        await owner.draining;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.groups.values()].map((g) => g.draining));
  }

  private drain(topic: string, group: GroupCursor): void {
    if (group.draining || this.closed) return;
    group.draining = (async () => {
      await Promise.resolve();
      const log = this.topicLog(topic);
      while (!this.closed && group.offset < log.length && group.handlers.length > 0) {
        const message = log[group.offset] as ReceivedMessage;
        const handler = group.handlers[group.next++ % group.handlers.length];
        if (!handler) break;
        try {
          await handler(message);
          group.offset += 1;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 200)); // retry the same message, like Kafka would
        }
      }
      group.draining = null;
      if (!this.closed && group.offset < log.length && group.handlers.length > 0) this.drain(topic, group);
    })();
  }

  private topicLog(topic: string): ReceivedMessage[] {
    let log = this.topics.get(topic);
    if (!log) {
      log = [];
      this.topics.set(topic, log);
    }
    return log;
  }
}
