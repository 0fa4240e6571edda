import type { RepositoryQuotasV1 } from '@dsp/contracts';

/** Switch a repository (route null) or one route off or on, on every gateway. */
export class SwitchEndpointCommand {
  constructor(
    readonly repository: string,
    /** `METHOD /path/:param` as declared, or null for the whole repository. */
    readonly route: string | null,
    readonly enabled: boolean,
    readonly actor: string,
    readonly reason: string,
    readonly at: string = new Date().toISOString(),
  ) {}
}

export class SetQuotasCommand {
  constructor(
    readonly repository: string,
    readonly quotas: RepositoryQuotasV1,
    readonly actor: string,
    readonly at: string = new Date().toISOString(),
  ) {}
}
