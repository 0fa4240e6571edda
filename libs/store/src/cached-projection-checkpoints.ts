import { ProjectionCheckpoints } from './projection-checkpoints.port';

/**
 * Remembers the checkpoints this process wrote. Safe with several projector instances: a
 * remembered value can only be lower than the truth (another instance moved on), and a low
 * checkpoint just makes the projector re-read and re-apply idempotent events.
 */
export class CachedProjectionCheckpoints extends ProjectionCheckpoints {
  private readonly known = new Map<string, number>();
  constructor(private readonly inner: ProjectionCheckpoints) {
    super();
  }
  async get(projection: string, stream: string): Promise<number> {
    const key = `${projection}/${stream}`;
    const cached = this.known.get(key);
    if (cached !== undefined) return cached;
    const revision = await this.inner.get(projection, stream);
    this.known.set(key, revision);
    return revision;
  }
  async set(projection: string, stream: string, revision: number): Promise<void> {
    await this.inner.set(projection, stream, revision);
    const key = `${projection}/${stream}`;
    this.known.set(key, Math.max(revision, this.known.get(key) ?? -1));
  }
}
