import { describe, expect, it } from 'vitest';
import type { RegistryEntry } from '@dsp/store';
import { Guardrails } from './guardrails';

const entry = (extra: Partial<RegistryEntry> = {}): RegistryEntry => ({ repository: 'tv', commit: 'c', revision: 1, endpoints: [], scripts: [], ...extra });
const route = 'GET /tv/hello/:';

describe('Guardrails', () => {
  it('answers 503 for a switched-off repository or route, and admits other routes', () => {
    const guard = new Guardrails();
    expect(guard.admit(entry({ switchedOff: { repository: true, routes: [] } }), route)).toMatchObject({ status: 503, code: 'switched-off' });
    expect(guard.admit(entry({ switchedOff: { repository: false, routes: [route] } }), route)).toMatchObject({ status: 503, code: 'switched-off' });
    expect(guard.admit(entry({ switchedOff: { repository: false, routes: [route] } }), 'GET /tv/other')).toBeNull();
  });

  it('limits requests per second with 429 and Retry-After, refilling over time', () => {
    const guard = new Guardrails();
    const limited = entry({ quotas: { requestsPerSecond: 2 } });
    const t = 1_000_000;
    expect(guard.admit(limited, route, t)).toBeNull();
    expect(guard.admit(limited, route, t)).toBeNull();
    expect(guard.admit(limited, route, t)).toMatchObject({ status: 429, code: 'rate-limited', retryAfterSeconds: 1 });
    expect(guard.admit(limited, route, t + 500)).toBeNull();
  });

  it('stops a repository that used its CPU minute until the minute is over', () => {
    const guard = new Guardrails();
    const budget = entry({ quotas: { cpuMsPerMinute: 100 } });
    const t = 2_000_000;
    expect(guard.admit(budget, route, t)).toBeNull();
    guard.finish('tv', route, false, 150, t);
    expect(guard.admit(budget, route, t + 10_000)).toMatchObject({ status: 429, code: 'cpu-quota-exhausted', retryAfterSeconds: 50 });
    expect(guard.admit(budget, route, t + 60_000)).toBeNull();
  });

  it('opens the circuit after consecutive failures, fails fast, then lets one trial through', () => {
    const guard = new Guardrails({ maxInFlight: 10, maxInFlightPerRepository: 10, breakerFailures: 3, breakerOpenMs: 1000 });
    const t = 3_000_000;
    for (let i = 0; i < 3; i++) {
      expect(guard.admit(entry(), route, t)).toBeNull();
      guard.finish('tv', route, true, 1, t);
    }
    expect(guard.admit(entry(), route, t + 100)).toMatchObject({ status: 503, code: 'circuit-open' });
    expect(guard.admit(entry(), route, t + 1001)).toBeNull(); // the trial
    expect(guard.admit(entry(), route, t + 1002)).toMatchObject({ code: 'circuit-open' }); // only one trial at a time
    guard.finish('tv', route, false, 1, t + 1003);
    expect(guard.admit(entry(), route, t + 1004)).toBeNull();
  });

  it('caps requests in flight per repository and per node', () => {
    const guard = new Guardrails({ maxInFlight: 3, maxInFlightPerRepository: 2, breakerFailures: 10, breakerOpenMs: 1000 });
    expect(guard.admit(entry(), route)).toBeNull();
    expect(guard.admit(entry(), route)).toBeNull();
    expect(guard.admit(entry(), route)).toMatchObject({ status: 503, code: 'repository-overloaded' });
    expect(guard.admit(entry({ repository: 'web' }), route)).toBeNull();
    expect(guard.admit(entry({ repository: 'kids' }), route)).toMatchObject({ status: 503, code: 'overloaded' });
    guard.finish('tv', route, false, 0);
    expect(guard.admit(entry(), route)).toBeNull();
  });
});
