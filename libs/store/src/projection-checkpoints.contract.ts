/** The ProjectionCheckpoints port's contract, run against every adapter. Names are random. */
import { beforeAll, describe, expect, it } from 'vitest';
import { randomName } from '@dsp/testing';
import type { ProjectionCheckpoints } from './projection-checkpoints.port';

export function describeProjectionCheckpointsContract(name: string, open: () => Promise<ProjectionCheckpoints> | ProjectionCheckpoints): void {
  describe(`ProjectionCheckpoints contract: ${name}`, () => {
    let checkpoints: ProjectionCheckpoints;

    beforeAll(async () => {
      checkpoints = await open();
    });

    it('starts at -1 and returns what was set, per projection and stream', async () => {
      const [vcs, registry] = [randomName('vcs'), randomName('registry')];
      const [a, b] = [randomName('stream'), randomName('stream')];
      expect(await checkpoints.get(vcs, a)).toBe(-1);

      await checkpoints.set(vcs, a, 0);
      await checkpoints.set(vcs, b, 7);
      await checkpoints.set(registry, a, 3);

      expect(await checkpoints.get(vcs, a)).toBe(0);
      expect(await checkpoints.get(vcs, b)).toBe(7);
      expect(await checkpoints.get(registry, a)).toBe(3);
      expect(await checkpoints.get(registry, b)).toBe(-1);
    });

    it('never moves backwards: a lower revision after a higher one changes nothing', async () => {
      const [projection, stream] = [randomName('vcs'), randomName('stream')];
      await checkpoints.set(projection, stream, 9);
      await checkpoints.set(projection, stream, 4);
      expect(await checkpoints.get(projection, stream)).toBe(9);
      await checkpoints.set(projection, stream, 12);
      expect(await checkpoints.get(projection, stream)).toBe(12);
    });

    it('is idempotent: the same revision twice', async () => {
      const [projection, stream] = [randomName('vcs'), randomName('stream')];
      await checkpoints.set(projection, stream, 5);
      await checkpoints.set(projection, stream, 5);
      expect(await checkpoints.get(projection, stream)).toBe(5);
    });
  });
}
