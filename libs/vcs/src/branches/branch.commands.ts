/** Branch and tag commands. Small value objects; their handlers live beside them. */
export class CreateBranchCommand {
  constructor(
    readonly repository: string,
    readonly branch: string,
    /** Any revision: branch, tag, commit id or prefix. */
    readonly from: string,
  ) {}
}

export class DeleteBranchCommand {
  constructor(
    readonly repository: string,
    readonly branch: string,
  ) {}
}

export class ProtectBranchCommand {
  constructor(
    readonly repository: string,
    readonly branch: string,
    readonly requireMerge: boolean,
  ) {}
}

export class CreateTagCommand {
  constructor(
    readonly repository: string,
    readonly tag: string,
    readonly revision: string,
  ) {}
}

export class DeleteTagCommand {
  constructor(
    readonly repository: string,
    readonly tag: string,
  ) {}
}
