import { describe, expect, it } from 'vitest';
import { artifactDigest } from './script-artifact-digest.util';

describe('artifactDigest', () => {
  it('keeps the stored format: a change here makes every stored artifact read as damaged', () => {
    // sha256(u64be(25) | UTF-8 javascript | u64be(4) | cached data), computed independently of this code.
    expect(artifactDigest('export default "Grüße";\n', Buffer.from([0x00, 0xff, 0x7f, 0x80]))).toBe('d17cbeaa4d766dab98f5991352c296cff0f559c5ce63de58a395db616dd7b2ac');
  });

  it('cannot be fooled by moving bytes across the boundary between javascript and cached data', () => {
    const whole = artifactDigest('export default 1;', Buffer.from('cache'));
    expect(artifactDigest('export default 1', Buffer.from(';cache'))).not.toBe(whole);
    expect(artifactDigest('export default 1;c', Buffer.from('ache'))).not.toBe(whole);
    expect(artifactDigest('', Buffer.from('export default 1;cache'))).not.toBe(whole);
  });

  it('changes with any single byte of the cached data', () => {
    const cache = Buffer.from([0x00, 0x01, 0xfe, 0xff]);
    const flipped = Buffer.from(cache);
    flipped[3] = 0xfe;
    expect(artifactDigest('x', flipped)).not.toBe(artifactDigest('x', cache));
  });
});
