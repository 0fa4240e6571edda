// Escape corpus: memory bombs, oversized and over-deep responses, and recursion. The heap limit
// ends a bomb with script-memory (the isolate is gone, a fresh compilation serves); allocations
// the isolate refuses, stack overflows and responses the host should not have to parse are the
// script's own errors, and the isolate is kept.
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingBackendServices } from '../recording-backend-services.fake';
import { MAP_ENTRIES_PER_MB, MAX_RESPONSE_CHARS, MAX_RESPONSE_DEPTH } from '../sandbox-bootstrap.constant';
import { scriptErrorOf } from '../sandbox-test.util';
import { attackWith, disposeAttacks, expectHostIntact, expectServesAfter, MEMORY_BOMB_LIMITS } from './escape-corpus.util';

afterEach(disposeAttacks);

async function expectMemoryBomb(source: string): Promise<void> {
  const { attack, outcome } = await attackWith(source, { limits: MEMORY_BOMB_LIMITS });

  const error = await scriptErrorOf(outcome, 'script-memory');

  expect(error.message).toBe('attack.js exceeded the memory limit of its isolate');
  expectHostIntact();
  await expectServesAfter(attack, { disposed: true });
}

describe('memory bombs and oversized answers', () => {
  it('string doubling with flattening (each step materialises the string): script-memory', async () => {
    await expectMemoryBomb(`export default () => { let s = 'x'; for (;;) { s += s; s.indexOf('y'); } };`);
  });

  it('a promise chain that nests forever (each step resolves to the next step\'s promise, so none can be collected): script-memory', async () => {
    await expectMemoryBomb(`export default () => { const nest = () => Promise.resolve().then(nest); return nest(); };`);
  });

  it('array growth: script-memory', async () => {
    await expectMemoryBomb(`export default () => { const hoard = []; for (let i = 0; ; i++) hoard.push({ i, pad: 'p' + i }); };`);
  });

  it.each([
    ['a Map grown without bound', 'const grown = new Map(); for (let i = 0; ; i++) grown.set(i, [i]);', 'Map.prototype.set'],
    ['a Set grown without bound', 'const grown = new Set(); for (let i = 0; ; i++) grown.add(i);', 'Set.prototype.add'],
    ['a Set built from an endless iterable', 'new Set({ *[Symbol.iterator]() { for (let i = 0; ; i++) yield i; } });', 'Set.prototype.add'],
  ])('%s (was: V8 aborted the host process when the hash table doubled near the heap limit): script-threw at the entry cap, isolate kept', async (_kind, loop, method) => {
    const { attack, outcome } = await attackWith(`export default () => { ${loop} };`, { limits: MEMORY_BOMB_LIMITS });

    const error = await scriptErrorOf(outcome, 'script-threw');
    const cap = MEMORY_BOMB_LIMITS.memoryMb * MAP_ENTRIES_PER_MB;
    expect(error.message).toBe(`attack.js threw RangeError: ${method} beyond ${cap} entries exceeds the sandbox limit of ${cap}`);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  // Residual, not fixable inside this process: a plain object grown as a dictionary (o['k' + i] = i)
  // makes V8 abort the process (CALL_AND_RETRY_LAST, isolated-vm #457) at about 170 000 keys in a
  // 16 MB isolate. Property writes cannot be intercepted; only running isolates in a child process
  // would contain it. Not run here: it would kill this test file's process.

  it('a memory bomb while the module loads: script-memory, the repository is given up', async () => {
    await expectMemoryBomb(`const hoard = []; for (;;) hoard.push(new Array(1000).fill(hoard.length));\nexport default () => ({ status: 200 });`);
  });

  it('string doubling without flattening (cons strings): V8\'s string length limit, script-threw, isolate kept', async () => {
    const { attack, outcome } = await attackWith(`export default () => { let s = 'x'; for (;;) s += s; };`);

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw RangeError: Invalid string length');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('an ArrayBuffer beyond the isolate\'s limit: the allocator refuses it, script-threw, isolate kept', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: new ArrayBuffer(256 * 1024 * 1024).byteLength });`);

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw RangeError: Array buffer allocation failed');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('typed arrays piled up past the limit: refused one by one, script-threw, isolate kept', async () => {
    const { attack, outcome } = await attackWith(`export default () => { const hoard = []; for (;;) hoard.push(new Float64Array(1024 * 1024)); };`, { limits: MEMORY_BOMB_LIMITS });

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw RangeError: Array buffer allocation failed');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('unbounded recursion: a RangeError the script could catch, not a crash (script-threw)', async () => {
    const { attack, outcome } = await attackWith(`const dive = (n) => dive(n + 1) + 1; export default () => dive(0);`);

    const error = await scriptErrorOf(outcome, 'script-threw');
    expect(error.message).toBe('attack.js threw RangeError: Maximum call stack size exceeded');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('unbounded recursion inside a toJSON the bridge calls: script-bad-response', async () => {
    const { attack, outcome } = await attackWith(`const dive = () => dive(); export default () => ({ status: 200, body: { toJSON: dive } });`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    expect(error.message).toBe('attack.js answered with a bad response: the response cannot be serialised as JSON: Maximum call stack size exceeded');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('unbounded recursion inside a getter the backend-call serialiser reads: the call is refused in the isolate', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: null }) });
    const { attack, outcome } = await attackWith(
      `const dive = () => dive(); export default async (request, ctx) => ({ status: 200, body: await ctx.services.catalog.post('/', { get x() { return dive(); } }).catch((e) => e.message) });`,
      { services },
    );

    expect((await outcome).body).toBe('the backend call cannot be sent: Maximum call stack size exceeded');
    expect(services.calls).toEqual([]);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('recursion that fills the stack and then calls into the bridge (ctx.log, a backend call): the bridge fails safely and keeps working', async () => {
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: 'reached' }) });
    const lines: string[] = [];
    const { attack, outcome } = await attackWith(
      `export default async (request, ctx) => {
        const outcomes = new Set();
        const dive = (depth) => {
          try { dive(depth + 1); } catch {
            try { ctx.log('deep'); ctx.services.catalog.get('/deep').catch(() => {}); outcomes.add('bridge ok'); } catch (error) { outcomes.add(error.name); }
          }
        };
        dive(0);
        ctx.log('after');
        const after = await ctx.services.catalog.get('/after');
        return { status: 200, body: { outcomes: [...outcomes].sort(), after: after.body } };
      };`,
      { services, hooks: { onLog: (line) => lines.push(line) } },
    );

    const body = (await outcome).body as { outcomes: string[]; after: string };
    expect(body.after).toBe('reached');
    expect(body.outcomes.length).toBeGreaterThan(0);
    expect(body.outcomes.every((name) => name === 'RangeError' || name === 'bridge ok')).toBe(true);
    expect(lines).toContain('after');
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it(`a response of more than ${MAX_RESPONSE_CHARS} characters of JSON: refused in the isolate before the host parses it (script-bad-response)`, async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: 'x'.repeat(${MAX_RESPONSE_CHARS}) });`, { memoryMb: 64 });

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    // {"status":200} (14 characters), NUL, then the body's JSON (the string and its 2 quotes).
    expect(error.message).toBe(`attack.js answered with a bad response: the response is ${MAX_RESPONSE_CHARS + 17} characters of JSON, more than the limit of ${MAX_RESPONSE_CHARS}`);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a response nested 5000 deep (the host\'s own JSON.stringify overflows at about 4000): script-bad-response', async () => {
    const { attack, outcome } = await attackWith(`export default () => { let body = []; for (let i = 0; i < 5000; i++) body = [body]; return { status: 200, body }; };`);

    const error = await scriptErrorOf(outcome, 'script-bad-response');
    // On the event loop's thread (inline runs) V8 has less stack left than on an isolate thread,
    // and the script's own JSON.stringify may overflow before the depth check sees the text.
    expect([
      `attack.js answered with a bad response: the response nests arrays and objects deeper than the limit of ${MAX_RESPONSE_DEPTH}`,
      'attack.js answered with a bad response: the response cannot be serialised as JSON: Maximum call stack size exceeded',
    ]).toContain(error.message);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('brackets inside strings do not count as nesting: a flat response full of "[[[{" is served', async () => {
    const { attack, outcome } = await attackWith(`export default () => ({ status: 200, body: { text: '[[[{{{\\\\"'.repeat(1000), list: [[[1]]] } });`);

    expect((await outcome).body).toEqual({ text: '[[[{{{\\"'.repeat(1000), list: [[[1]]] });
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });

  it('a backend result nested 100000 deep: the host cannot copy it in, the script gets a rejection, the host does not overflow', async () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const services = new RecordingBackendServices({ catalog: () => ({ status: 200, body: deep }) });
    const { attack, outcome } = await attackWith(`export default async (request, ctx) => ({ status: 200, body: await ctx.services.catalog.get('/').then(() => 'copied', (e) => e.message) });`, { services });

    expect((await outcome).body).toMatch(/^the result of the backend call cannot be passed to the script: RangeError: Maximum call stack size exceeded/);
    expectHostIntact();
    await expectServesAfter(attack, { disposed: false });
  });
});
