/** Kafka adapter of the event log (kafkajs). The only file that imports kafkajs. */
import { Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { EventLog, LogMessage, ReceivedMessage, SubscribeOptions, Subscription } from './event-log.port';

export interface KafkaEventLogConfig {
  brokers: string[];
  clientId: string;
  partitions: number;
  replicationFactor: number;
  /** Prepended to every topic and group name, so several environments can share a cluster. */
  namespace?: string;
}

export class KafkaEventLog extends EventLog {
  private readonly kafka: Kafka;
  private producer: Promise<Producer> | null = null;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly config: KafkaEventLogConfig) {
    super();
    this.kafka = new Kafka({ clientId: config.clientId, brokers: config.brokers, logLevel: logLevel.WARN, retry: { retries: 8 } });
  }

  async ensureTopics(topics: { topic: string; compacted?: boolean }[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(this.name(t.topic)));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: this.name(t.topic),
            numPartitions: this.config.partitions,
            replicationFactor: this.config.replicationFactor,
            configEntries: t.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
          })),
        });
      }
    } finally {
      await admin.disconnect();
    }
  }

  async publish(topic: string, messages: LogMessage[]): Promise<void> {
    const producer = await this.connectedProducer();
    await producer.send({ topic: this.name(topic), acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
  }

  async subscribe(options: SubscribeOptions, handler: (message: ReceivedMessage) => Promise<void>): Promise<Subscription> {
    const consumer = this.kafka.consumer({ groupId: this.name(options.group), maxWaitTimeInMs: 100, retry: { retries: 1000 } });
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: this.name(options.topic), fromBeginning: options.fromBeginning });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        await handler({
          topic: options.topic,
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
        });
      },
    });
    await joined;
    return {
      stop: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    const producer = this.producer;
    this.producer = null;
    if (producer) await (await producer).disconnect();
  }

  private name(topicOrGroup: string): string {
    return `${this.config.namespace ?? ''}${topicOrGroup}`;
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Murmur2 on the key, like the Java client: a repository always lands on the same partition.
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => (this.producer = null));
    }
    return this.producer;
  }
}
