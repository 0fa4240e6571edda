export class CreateRepositoryCommand {
  constructor(
    readonly repository: string,
    readonly createdAt: string = new Date().toISOString(),
  ) {}
}
