/** The last stream revision each projection has applied, so replays and redeliveries are skipped. */
export abstract class ProjectionCheckpoints {
  abstract get(projection: string, stream: string): Promise<number>;
  /** Never moves backwards. */
  abstract set(projection: string, stream: string, revision: number): Promise<void>;
}
