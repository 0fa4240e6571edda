export interface LogMessage {
  key: string;
  value: string;
}

export interface ReceivedMessage extends LogMessage {
  topic: string;
  partition: number;
  offset: string;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface SubscribeOptions {
  topic: string;
  /** Consumers in one group share the work; each group sees every message. */
  group: string;
  fromBeginning: boolean;
}

/**
 * The platform's event log (Kafka in production). Messages with the same key keep their order.
 * A handler that throws gets the message again: handlers must be idempotent.
 */
export abstract class EventLog {
  abstract ensureTopics(topics: { topic: string; compacted?: boolean }[]): Promise<void>;
  abstract publish(topic: string, messages: LogMessage[]): Promise<void>;
  abstract subscribe(options: SubscribeOptions, handler: (message: ReceivedMessage) => Promise<void>): Promise<Subscription>;
  abstract close(): Promise<void>;
}
