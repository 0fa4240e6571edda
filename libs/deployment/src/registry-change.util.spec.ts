import { describe, expect, it } from 'vitest';
import type { RegistryChangedV1 } from '@dsp/contracts';
import type { RegistryEntry } from '@dsp/store';
import { registryChangeMessage } from './registry-change.util';

const ENTRY: RegistryEntry = {
  repository: 'tv',
  commit: 'c'.repeat(40),
  revision: 7,
  endpoints: [{ method: 'GET', path: '/tv/hello/:name', script: 'hello.js' }],
  scripts: [{ path: 'hello.js', blob: 'b'.repeat(40) }],
  switchedOff: { repository: false, routes: [] },
  quotas: { requestsPerSecond: 10 },
};

describe('registryChangeMessage', () => {
  it('carries the entry as stored (defaults left out), so gateways need not read it back', () => {
    const change = JSON.parse(registryChangeMessage(ENTRY)) as RegistryChangedV1;

    expect(change).toEqual({
      repository: 'tv',
      commit: ENTRY.commit,
      revision: 7,
      entry: { endpoints: ENTRY.endpoints, scripts: ENTRY.scripts, quotas: { requestsPerSecond: 10 } },
    });
  });

  it('leaves a large entry out: the change then only says which revision to read', () => {
    const change = JSON.parse(registryChangeMessage(ENTRY, 200)) as RegistryChangedV1;

    expect(change).toEqual({ repository: 'tv', commit: ENTRY.commit, revision: 7 });
  });
});
