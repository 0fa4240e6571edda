import { describe, expect, it } from 'vitest';
import type { RegistryEntry } from '@dsp/store';
import { Guardrails } from './guardrails';

const entry = (extra: Partial<RegistryEntry> = {}): RegistryEntry => ({ repository: 'tv', commit: 'c', revision: 1, endpoints: [], scripts: [], ...extra });
const route = 'GET /tv/hello/:';
/** Stands in for a compiled repository: only its isolate's cumulative CPU time is read. */
const isolate = (cpuTimeMs = 0): { cpuTimeMs: number } => ({ cpuTimeMs });

describe('Guardrails', () => {
  it('answers 503 for a switched-off repository or route, and admits other routes', () => {
    const guard = new Guardrails();
    expect(guard.admit(entry({ switchedOff: { repository: true, routes: [] } }), route)).toEqual({ status: 503, code: 'switched-off', message: expect.any(String) }); // sent at once
    expect(guard.admit(entry({ switchedOff: { repository: false, routes: [route] } }), route)).toMatchObject({ status: 503, code: 'switched-off' });
    expect(guard.admit(entry({ switchedOff: { repository: false, routes: [route] } }), 'GET /tv/other')).toBeNull();
  });

  it('limits requests per second with 429 and Retry-After, refilling over time', () => {
    const guard = new Guardrails();
    const limited = entry({ quotas: { requestsPerSecond: 2 } });
    const t = 1_000_000;
    const tv = isolate();
    expect(guard.admit(limited, route, tv, t)).toBeNull();
    expect(guard.admit(limited, route, tv, t)).toBeNull();
    expect(guard.admit(limited, route, tv, t)).toEqual({ status: 429, code: 'rate-limited', message: expect.any(String), retryAfterSeconds: 1 });
    expect(guard.admit(limited, route, tv, t + 500)).toBeNull();
  });

  it("charges a repository its isolate's CPU time since the last reading, and stops it for the rest of the minute once its quota is used", () => {
    const guard = new Guardrails();
    const charges: [string, number][] = [];
    guard.onCpuCharged((repository, cpuMs) => charges.push([repository, cpuMs]));
    const budget = entry({ quotas: { cpuMsPerMinute: 100 } });
    const tv = isolate();
    const t = 2_000_000;
    expect(guard.admit(budget, route, tv, t)).toBeNull();
    guard.finish('tv', route, false, tv, t + 10_000); // 10 s of wall time, no CPU: nothing is charged
    expect(guard.admit(budget, route, tv, t + 10_000)).toBeNull();
    tv.cpuTimeMs = 60;
    guard.finish('tv', route, false, tv, t + 10_001);
    expect(guard.admit(budget, route, tv, t + 10_002)).toBeNull();
    tv.cpuTimeMs = 110;
    guard.finish('tv', route, false, tv, t + 10_003);
    expect(charges).toEqual([
      ['tv', 60],
      ['tv', 50],
    ]);
    expect(guard.admit(budget, route, tv, t + 10_004)).toMatchObject({ status: 429, code: 'cpu-quota-exhausted', retryAfterSeconds: 50 });
    expect(guard.admit(budget, route, tv, t + 60_000)).toBeNull();
  });

  it('charges CPU an isolate burns after its request ended (a timed-out script) at the next admission', () => {
    const guard = new Guardrails();
    const budget = entry({ quotas: { cpuMsPerMinute: 100 } });
    const tv = isolate();
    const t = 2_500_000;
    expect(guard.admit(budget, route, tv, t)).toBeNull();
    guard.finish('tv', route, true, tv, t + 50); // the 504: the slice is still spinning
    tv.cpuTimeMs = 120;
    expect(guard.admit(budget, route, tv, t + 100)).toMatchObject({ status: 429, code: 'cpu-quota-exhausted' });
  });

  it('charges a recompiled isolate from 0, not from the old one', () => {
    const guard = new Guardrails();
    const charges: number[] = [];
    guard.onCpuCharged((_repository, cpuMs) => charges.push(cpuMs));
    const old = isolate(500);
    guard.charge('tv', old, 1);
    guard.charge('tv', isolate(30), 2);
    old.cpuTimeMs = 520; // the old isolate finishing its last requests
    guard.charge('tv', old, 3);
    expect(charges).toEqual([500, 30, 20]);
  });

  it('opens the circuit after consecutive failures, fails fast, then lets one trial through', () => {
    const guard = new Guardrails({ maxInFlight: 10, maxInFlightPerRepository: 10, breakerFailures: 3, breakerOpenMs: 1000 });
    const t = 3_000_000;
    const tv = isolate();
    for (let i = 0; i < 3; i++) {
      expect(guard.admit(entry(), route, tv, t)).toBeNull();
      guard.finish('tv', route, true, tv, t);
    }
    expect(guard.admit(entry(), route, tv, t + 100)).toMatchObject({ status: 503, code: 'circuit-open', held: true });
    expect(guard.admit(entry(), route, tv, t + 1001)).toBeNull(); // the trial
    expect(guard.admit(entry(), route, tv, t + 1002)).toMatchObject({ code: 'circuit-open' }); // only one trial at a time
    guard.finish('tv', route, false, tv, t + 1003);
    expect(guard.admit(entry(), route, tv, t + 1004)).toBeNull();
  });

  it('caps requests in flight per repository and per node', () => {
    const guard = new Guardrails({ maxInFlight: 3, maxInFlightPerRepository: 2 });
    const tv = isolate();
    expect(guard.admit(entry(), route, tv)).toBeNull();
    expect(guard.admit(entry(), route, tv)).toBeNull();
    expect(guard.admit(entry(), route, tv)).toMatchObject({ status: 503, code: 'repository-overloaded', held: true });
    expect(guard.admit(entry({ repository: 'web' }), route, isolate())).toBeNull();
    expect(guard.admit(entry({ repository: 'kids' }), route, isolate())).toEqual({ status: 503, code: 'overloaded', message: expect.any(String), retryAfterSeconds: 1 });
    guard.finish('tv', route, false, tv);
    expect(guard.admit(entry(), route, tv)).toBeNull();
  });
});

describe('Guardrails: fair share of script CPU', () => {
  // One core for scripts, over a 1 s window; t is the start of a window.
  const options = { scriptCores: 1, fairShareWindowMs: 1_000, fairShare: true };
  const t = 10_000_000;
  const spinner = entry({ repository: 'spinner' });
  const benign = entry({ repository: 'benign' });
  const spin = '/spinner/loop';
  const hello = '/benign/hello';

  /** Both repositories run a request; the spinner's isolate uses spinnerMs and the benign one benignMs of CPU. */
  function contend(guard: Guardrails, isolates: { spinner: { cpuTimeMs: number }; benign: { cpuTimeMs: number } }, spinnerMs: number, benignMs: number, at: number): void {
    expect(guard.admit(spinner, spin, isolates.spinner, at)).toBeNull();
    expect(guard.admit(benign, hello, isolates.benign, at)).toBeNull();
    isolates.spinner.cpuTimeMs += spinnerMs;
    isolates.benign.cpuTimeMs += benignMs;
    guard.finish('spinner', spin, true, isolates.spinner, at + 1);
    guard.finish('benign', hello, false, isolates.benign, at + 1);
  }

  it('fails a repository fast with 503 cpu-share-exceeded when it used more than its share while another repository is active and the scripts are at capacity', () => {
    const guard = new Guardrails(options);
    const isolates = { spinner: isolate(), benign: isolate() };
    contend(guard, isolates, 900, 150, t); // 1050 ms of the 1000 ms capacity; the share of each is 500 ms
    expect(guard.admit(spinner, spin, isolates.spinner, t + 900)).toEqual({ status: 503, code: 'cpu-share-exceeded', message: expect.any(String), retryAfterSeconds: 1, held: true });
    expect(guard.admit(benign, hello, isolates.benign, t + 900)).toBeNull();
  });

  it('splits the capacity between every repository active in the window', () => {
    const guard = new Guardrails(options);
    const isolates = { spinner: isolate(), benign: isolate() };
    contend(guard, isolates, 400, 380, t); // under the 500 ms share of two repositories
    const kids = isolate();
    expect(guard.admit(entry({ repository: 'kids' }), route, kids, t + 10)).toBeNull();
    kids.cpuTimeMs = 270;
    guard.finish('kids', route, false, kids, t + 20); // 1050 ms used; the share of each of the three is 333 ms
    expect(guard.admit(spinner, spin, isolates.spinner, t + 30)).toMatchObject({ code: 'cpu-share-exceeded' });
    expect(guard.admit(benign, hello, isolates.benign, t + 30)).toMatchObject({ code: 'cpu-share-exceeded' });
    expect(guard.admit(entry({ repository: 'kids' }), route, kids, t + 30)).toBeNull();
  });

  it('never holds a repository to less than a tenth of the capacity, however many repositories are active', () => {
    const guard = new Guardrails(options);
    const isolates = Array.from({ length: 20 }, () => isolate());
    // 20 repositories warming up at once use 60 ms each: 1200 ms of the 1000 ms capacity, a share of 50 ms each.
    isolates.forEach((clock, i) => {
      expect(guard.admit(entry({ repository: `team${i}` }), route, clock, t)).toBeNull();
      clock.cpuTimeMs += 60;
      guard.finish(`team${i}`, route, false, clock, t + 1);
    });
    expect(guard.admit(entry({ repository: 'team0' }), route, isolates[0], t + 10)).toBeNull(); // 60 ms < 100 ms, the floor
    isolates[1]!.cpuTimeMs += 50; // team1 now at 110 ms: over the floor too
    expect(guard.admit(entry({ repository: 'team1' }), route, isolates[1], t + 20)).toMatchObject({ code: 'cpu-share-exceeded' });
  });

  it('counts a repository active in the previous and the current slot of the window once', () => {
    const guard = new Guardrails(options);
    const isolates = { spinner: isolate(), benign: isolate() };
    contend(guard, isolates, 0, 0, t);
    contend(guard, isolates, 400, 200, t + 1_000); // two repositories, not four: the share is 500 ms
    expect(guard.admit(spinner, spin, isolates.spinner, t + 1_100)).toBeNull();
  });

  it('lets a repository alone on the node use every core the scripts have', () => {
    const guard = new Guardrails(options);
    const alone = isolate();
    expect(guard.admit(spinner, spin, alone, t)).toBeNull();
    alone.cpuTimeMs = 2_000; // more than the whole capacity
    guard.finish('spinner', spin, true, alone, t + 1);
    expect(guard.admit(spinner, spin, alone, t + 500)).toBeNull();
  });

  it('lets a repository use more than its share while the scripts leave most of their capacity idle', () => {
    const guard = new Guardrails(options);
    const isolates = { spinner: isolate(), benign: isolate() };
    contend(guard, isolates, 400, 10, t);
    const kids = isolate();
    expect(guard.admit(entry({ repository: 'kids' }), route, kids, t + 10)).toBeNull();
    kids.cpuTimeMs = 10;
    guard.finish('kids', route, false, kids, t + 20); // 400 ms is over the 333 ms share, but 420 ms of 1000 ms is no contention
    expect(guard.admit(spinner, spin, isolates.spinner, t + 30)).toBeNull();
    isolates.spinner.cpuTimeMs += 100; // 520 ms: contended
    expect(guard.admit(spinner, spin, isolates.spinner, t + 40)).toMatchObject({ code: 'cpu-share-exceeded' });
  });

  it('counts CPU the spinner burns after its requests ended (timeouts) at its next admission', () => {
    const guard = new Guardrails(options);
    const isolates = { spinner: isolate(), benign: isolate() };
    contend(guard, isolates, 50, 100, t); // the 504 after 50 ms
    isolates.spinner.cpuTimeMs += 900; // queued slices still spinning
    expect(guard.admit(spinner, spin, isolates.spinner, t + 950)).toMatchObject({ code: 'cpu-share-exceeded' });
  });

  it('admits the repository again once its CPU use has slid out of the window', () => {
    const guard = new Guardrails(options);
    const isolates = { spinner: isolate(), benign: isolate() };
    contend(guard, isolates, 900, 150, t);
    expect(guard.admit(spinner, spin, isolates.spinner, t + 999)).toMatchObject({ code: 'cpu-share-exceeded' });
    // Next window, benign busy: 900 ms of the previous window weigh 90% at t + 1100, still over the share.
    expect(guard.admit(benign, hello, isolates.benign, t + 1_050)).toBeNull();
    isolates.benign.cpuTimeMs += 200;
    guard.finish('benign', hello, false, isolates.benign, t + 1_051);
    expect(guard.admit(spinner, spin, isolates.spinner, t + 1_100)).toMatchObject({ code: 'cpu-share-exceeded' });
    // Two windows later nothing of it is left, and the benign repository is still active.
    expect(guard.admit(benign, hello, isolates.benign, t + 2_050)).toBeNull();
    expect(guard.admit(spinner, spin, isolates.spinner, t + 2_100)).toBeNull();
  });

  it('never rejects when the fair share is off', () => {
    const guard = new Guardrails({ ...options, fairShare: false });
    const isolates = { spinner: isolate(), benign: isolate() };
    contend(guard, isolates, 900, 150, t);
    expect(guard.admit(spinner, spin, isolates.spinner, t + 900)).toBeNull();
  });
});
