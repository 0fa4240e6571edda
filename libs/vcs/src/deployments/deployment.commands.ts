/** Point production at an older commit of main without a new commit (rollback). */
export class RollbackCommand {
  constructor(
    readonly repository: string,
    readonly to: string,
    readonly actor: string,
    readonly reason: string,
    readonly at: string = new Date().toISOString(),
  ) {}
}

/** Undo a rollback: follow the head of main again, or pin a newer commit of main (`to`). */
export class RollForwardCommand {
  constructor(
    readonly repository: string,
    readonly actor: string,
    readonly reason: string,
    readonly to?: string,
    readonly at: string = new Date().toISOString(),
  ) {}
}

export interface DeploymentResult {
  /** The commit production serves now. */
  serving: string | null;
  previous: string | null;
  pinned: boolean;
}
