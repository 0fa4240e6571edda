import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEventStoreContract } from '../event-store.contract';
import { EmbeddedEventStore } from './embedded-event-store';

describeEventStoreContract('embedded, in memory', () => new EmbeddedEventStore(null));

const dataDir = mkdtempSync(join(tmpdir(), 'dsp-embedded-store-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describeEventStoreContract('embedded, with a file', () => new EmbeddedEventStore(join(dataDir, 'contract', 'events.jsonl')));

describe('EmbeddedEventStore: durability', () => {
  it('keeps acknowledged events across a restart, and republishes them all after it', async () => {
    const file = join(dataDir, 'restart', 'events.jsonl');
    const before = new EmbeddedEventStore(file);
    const a = await before.append('repository-a', -1, [{ type: 'RepositoryCreated', data: { repository: 'a' } }]);
    const b = await before.append('repository-b', -1, [{ type: 'RepositoryCreated', data: { repository: 'b' } }]);
    const a2 = await before.append('repository-a', 0, [{ type: 'CommitCreated', data: { message: 'Grüße 🌍\n' } }]);
    await before.markPublished('repository-a', 1);
    await expect(before.append('repository-a', 0, [{ type: 'Lost', data: {} }])).rejects.toThrow();

    const after = new EmbeddedEventStore(file);
    expect(await after.read('repository-a')).toEqual([...a, ...a2]);
    expect(await after.read('repository-b')).toEqual(b);
    expect((await after.streams()).sort()).toEqual(['repository-a', 'repository-b']);
    // Publication marks are not persisted: every event is pending again, in stream order.
    expect(await after.unpublished()).toEqual([...a, ...a2, ...b]);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);

    // And the restarted store keeps enforcing the revisions it loaded.
    await expect(after.append('repository-a', 0, [{ type: 'Stale', data: {} }])).rejects.toMatchObject({ code: 'wrong-expected-revision' });
    expect((await after.append('repository-a', 1, [{ type: 'Next', data: {} }]))[0]?.revision).toBe(2);
  });
});
