import { CommandHandler } from '@nestjs/cqrs';
import { DecidingCommandHandler } from '../deciding-command.handler';
import { CreateBranchCommand, CreateTagCommand, DeleteBranchCommand, DeleteTagCommand, ProtectBranchCommand } from './branch.commands';
import { decideCreateBranch, decideCreateTag, decideDeleteBranch, decideDeleteTag, decideProtectBranch } from './branches.decider';

@CommandHandler(CreateBranchCommand)
export class CreateBranchHandler extends DecidingCommandHandler<CreateBranchCommand> {
  protected decide = decideCreateBranch;
}

@CommandHandler(DeleteBranchCommand)
export class DeleteBranchHandler extends DecidingCommandHandler<DeleteBranchCommand> {
  protected decide = decideDeleteBranch;
}

@CommandHandler(ProtectBranchCommand)
export class ProtectBranchHandler extends DecidingCommandHandler<ProtectBranchCommand> {
  protected decide = decideProtectBranch;
}

@CommandHandler(CreateTagCommand)
export class CreateTagHandler extends DecidingCommandHandler<CreateTagCommand> {
  protected decide = decideCreateTag;
}

@CommandHandler(DeleteTagCommand)
export class DeleteTagHandler extends DecidingCommandHandler<DeleteTagCommand> {
  protected decide = decideDeleteTag;
}
