import { ProjectionCheckpoints } from '../projection-checkpoints.port';

export class EmbeddedProjectionCheckpoints extends ProjectionCheckpoints {
  private readonly revisions = new Map<string, number>();
  async get(projection: string, stream: string): Promise<number> {
    return this.revisions.get(`${projection}/${stream}`) ?? -1;
  }
  async set(projection: string, stream: string, revision: number): Promise<void> {
    const key = `${projection}/${stream}`;
    this.revisions.set(key, Math.max(revision, this.revisions.get(key) ?? -1));
  }
}
