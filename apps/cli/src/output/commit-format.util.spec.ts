import { describe, expect, it } from 'vitest';
import { firstLine, formatIdentityDate } from './commit-format.util';

describe('formatIdentityDate', () => {
  // 2024-03-01T23:30:00Z
  const timestamp = 1709335800;

  it("shows the author's wall clock for a zone east of UTC (isomorphic-git offset -120 = +0200)", () => {
    expect(formatIdentityDate({ timestamp, timezoneOffset: -120 }, true)).toBe('2024-03-02 01:30:00 +0200');
    expect(formatIdentityDate({ timestamp, timezoneOffset: -120 }, false)).toBe('2024-03-02 01:30');
  });

  it('handles zones west of UTC and half hours', () => {
    expect(formatIdentityDate({ timestamp, timezoneOffset: 210 }, true)).toBe('2024-03-01 20:00:00 -0330');
    expect(formatIdentityDate({ timestamp, timezoneOffset: 0 }, true)).toBe('2024-03-01 23:30:00 +0000');
  });
});

describe('firstLine', () => {
  it('keeps only the subject of a commit message', () => {
    expect(firstLine('Fix hello\n\nLonger body')).toBe('Fix hello');
  });
});
