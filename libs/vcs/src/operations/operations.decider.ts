/** Self-protection decisions: kill switches and quotas are events, so they are audited and propagate like code. */
import type { RepositoryEventV1 } from '@dsp/contracts';
import { requireRepository, type RepositoryState } from '../repository.state';
import { VcsError } from '../vcs.errors';
import type { SetQuotasCommand, SwitchEndpointCommand } from './operations.commands';

/** Route identity as the registry keys it: method and path shape, parameter names dropped. */
export function switchRouteKey(route: string): string {
  const match = /^([A-Za-z]+)\s+(\/\S*)$/.exec(route.trim());
  if (!match?.[1] || !match[2]) throw new VcsError('invalid-route', `route must look like 'GET /path/:param', got '${route}'`);
  return `${match[1].toUpperCase()} ${match[2].replace(/:[A-Za-z_][A-Za-z0-9_]*/g, ':')}`;
}

export function decideSwitch(state: RepositoryState, command: SwitchEndpointCommand): RepositoryEventV1[] {
  requireRepository(state, command.repository);
  if (!command.reason.trim()) throw new VcsError('reason-required', 'say why (reason): switches are audited');
  const route = command.route === null ? null : switchRouteKey(command.route);
  const off = route === null ? state.switchedOff.repository : state.switchedOff.routes.has(route);
  if (off === !command.enabled) return [];
  return [{ type: 'EndpointSwitched', data: { repository: command.repository, route, enabled: command.enabled, actor: command.actor, reason: command.reason, at: command.at } }];
}

const QUOTA_LIMITS = {
  requestsPerSecond: [1, 1_000_000],
  cpuMsPerMinute: [1, 60_000_000],
  maxScriptBytes: [1, 256 * 1024],
  maxEndpoints: [1, 10_000],
} as const;

export function decideQuotas(state: RepositoryState, command: SetQuotasCommand): RepositoryEventV1[] {
  requireRepository(state, command.repository);
  const quotas = Object.fromEntries(Object.entries(command.quotas).filter(([, value]) => value !== undefined && value !== null));
  for (const [name, value] of Object.entries(quotas)) {
    const range = QUOTA_LIMITS[name as keyof typeof QUOTA_LIMITS];
    if (!range) throw new VcsError('invalid-quota', `unknown quota '${name}'; known: ${Object.keys(QUOTA_LIMITS).join(', ')}`);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < range[0] || value > range[1]) {
      throw new VcsError('invalid-quota', `${name} must be an integer from ${range[0]} to ${range[1]}`);
    }
  }
  return [{ type: 'QuotasSet', data: { repository: command.repository, quotas, actor: command.actor, at: command.at } }];
}
