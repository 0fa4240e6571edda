import { describe, expect, it } from 'vitest';
import { BackendServices, type BackendCall, type BackendResult } from '@dsp/runtime';
import { EmbeddedInsightStore, InsightStore, type BackendCallTotals, type ReportedBackendCallTotals } from '@dsp/store';
import { expectEventually } from '@dsp/testing';
import { BackendInsight } from './backend-insight';
import { InsightReporter } from './insight-reporter';

class OkServices extends BackendServices {
  async call(_call: BackendCall): Promise<BackendResult> {
    return { status: 200, body: null };
  }
  names(): string[] {
    return ['catalog', 'ratings'];
  }
}

/** The embedded store, remembering what each report carried, and failing while `down`. */
class RecordingStore extends InsightStore {
  readonly reports: BackendCallTotals[][] = [];
  down = false;
  private readonly inner = new EmbeddedInsightStore();

  async report(node: string, totals: readonly BackendCallTotals[]): Promise<void> {
    if (this.down) throw new Error('cassandra unavailable');
    this.reports.push([...totals]);
    await this.inner.report(node, totals);
  }
  read(repository: string): Promise<ReportedBackendCallTotals[]> {
    return this.inner.read(repository);
  }
}

const site = { repository: 'tv', endpoint: 'GET /tv/titles/:id', commit: 'c'.repeat(40) };
const callsBy = (rows: { node: string; service: string; calls: number }[]) => rows.map((r) => `${r.node} ${r.service} ${r.calls}`).sort();

describe('InsightReporter', () => {
  const setUp = () => {
    const insight = new BackendInsight();
    const store = new RecordingStore();
    const logged: string[] = [];
    const reporter = new InsightReporter(insight, store, 'node-a', (message) => logged.push(message));
    return { services: insight.tracing(new OkServices(), site), store, reporter, logged };
  };

  it("stores the node's running totals under its id, writing only the call sites that changed", async () => {
    const { services, store, reporter } = setUp();
    await services.call({ service: 'catalog', method: 'get', path: '/t' });
    await services.call({ service: 'ratings', method: 'get', path: '/r' });
    await reporter.flush();
    await services.call({ service: 'catalog', method: 'get', path: '/t' });
    await reporter.flush();
    await reporter.flush();

    expect(store.reports.map((r) => r.map((t) => `${t.service} ${t.calls}`))).toEqual([['catalog 1', 'ratings 1'], ['catalog 2']]);
    expect(callsBy(await store.read('tv'))).toEqual(['node-a catalog 2', 'node-a ratings 1']);
  });

  it('keeps what a failed write carried and stores it with the next one', async () => {
    const { services, store, reporter, logged } = setUp();
    await services.call({ service: 'catalog', method: 'get', path: '/t' });
    store.down = true;
    await reporter.flush();
    expect(logged).toEqual(['backend insight not stored (kept for the next flush): Error: cassandra unavailable']);

    store.down = false;
    await services.call({ service: 'ratings', method: 'get', path: '/r' });
    await reporter.flush();
    expect(callsBy(await store.read('tv'))).toEqual(['node-a catalog 1', 'node-a ratings 1']);
  });

  it('flushes on its interval', async () => {
    const { services, store, reporter } = setUp();
    reporter.start(20);
    try {
      await services.call({ service: 'catalog', method: 'get', path: '/t' });
      await expectEventually(async () => expect(callsBy(await store.read('tv'))).toEqual(['node-a catalog 1']), { timeoutMs: 2_000 });
    } finally {
      await reporter.stop();
    }
  });

  it('writes the last calls on stop, after a write already in flight', async () => {
    const { services, store, reporter } = setUp();
    reporter.start(60_000);
    await services.call({ service: 'catalog', method: 'get', path: '/t' });
    const inFlight = reporter.flush();
    await services.call({ service: 'catalog', method: 'get', path: '/t' });
    await reporter.stop();
    await inFlight;
    expect(store.reports.map((r) => r.map((t) => t.calls))).toEqual([[1], [2]]);
    expect(callsBy(await store.read('tv'))).toEqual(['node-a catalog 2']);
  });
});
