import { describe, expect, it } from 'vitest';
import { forEachConcurrently, mapConcurrently } from './bounded-concurrency.util';

/** A task that resolves only when the test lets it, so the calls in flight can be counted exactly. */
function gatedWork(): { work: (item: number) => Promise<void>; started: number[]; inFlight: () => number; release: () => void } {
  const started: number[] = [];
  const waiting: Array<() => void> = [];
  return {
    started,
    work: (item) => {
      started.push(item);
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    inFlight: () => waiting.length,
    release: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('forEachConcurrently and mapConcurrently', () => {
  it('runs every item once, never more than the limit at a time', async () => {
    const gate = gatedWork();
    const items = Array.from({ length: 10 }, (_, i) => i);
    const run = forEachConcurrently(items, 4, gate.work);
    const inFlight: number[] = [];
    while (gate.started.length < items.length || gate.inFlight() > 0) {
      await settle();
      inFlight.push(gate.inFlight());
      gate.release();
    }
    await run;
    expect(gate.started.sort((a, b) => a - b)).toEqual(items);
    expect(Math.max(...inFlight)).toBe(4);
  });

  it('answers the results in the order of the items, whatever order the calls end in', async () => {
    const results = await mapConcurrently([30, 10, 20], 3, async (delay) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
      return delay * 2;
    });
    expect(results).toEqual([60, 20, 40]);
  });

  it('rejects with the first failure and starts no new item after it', async () => {
    const started: number[] = [];
    const run = forEachConcurrently([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await settle();
      if (item === 1) throw new Error('node down');
    });
    await expect(run).rejects.toThrow('node down');
    await settle();
    await settle();
    expect(started).toEqual([0, 1, 2]);
  });

  it('does nothing for no items, and refuses a limit below one', async () => {
    await expect(forEachConcurrently([], 8, () => Promise.reject(new Error('called')))).resolves.toBeUndefined();
    await expect(forEachConcurrently([1], 0, async () => undefined)).rejects.toThrow(RangeError);
  });
});
