import { CommandHandler } from '@nestjs/cqrs';
import { DecidingCommandHandler } from '../deciding-command.handler';
import { decideQuotas, decideSwitch } from './operations.decider';
import { SetQuotasCommand, SwitchEndpointCommand } from './operations.commands';

@CommandHandler(SwitchEndpointCommand)
export class SwitchEndpointHandler extends DecidingCommandHandler<SwitchEndpointCommand> {
  protected decide = decideSwitch;
}

@CommandHandler(SetQuotasCommand)
export class SetQuotasHandler extends DecidingCommandHandler<SetQuotasCommand> {
  protected decide = decideQuotas;
}
