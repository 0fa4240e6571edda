import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RejectionHold } from './rejection-hold';

describe('RejectionHold', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends each refusal once it has been held, in order', () => {
    const hold = new RejectionHold(250);
    const sent: string[] = [];
    hold.hold(() => sent.push('a'));
    vi.advanceTimersByTime(100);
    hold.hold(() => sent.push('b'));
    vi.advanceTimersByTime(149);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual(['a']);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual(['a', 'b']);
    expect(hold.held).toBe(0);
  });

  it('sends at once when holding is off, or when too many refusals are held already', () => {
    const sent: string[] = [];
    new RejectionHold(0).hold(() => sent.push('off'));
    const full = new RejectionHold(250, 2);
    full.hold(() => sent.push('held 1'));
    full.hold(() => sent.push('held 2'));
    full.hold(() => sent.push('over the cap'));
    expect(sent).toEqual(['off', 'over the cap']);
    expect(full.held).toBe(2);
  });

  it('sends everything it holds when the server closes', () => {
    const hold = new RejectionHold(10_000);
    const sent: number[] = [];
    for (let i = 0; i < 3; i++) hold.hold(() => sent.push(i));
    hold.releaseAll();
    expect(sent).toEqual([0, 1, 2]);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([0, 1, 2]);
  });
});
