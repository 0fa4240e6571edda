/**
 * The wire form of a recorded event: what the event store keeps and what travels on Kafka.
 * `revision` is the 0-based position in the stream; consumers use it to stay idempotent.
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  stream: string;
  revision: number;
  type: TType;
  version: 1;
  data: TData;
  recordedAt: string;
}
