import { ConnectionNotFoundError } from '../errors/parity.errors.js';
import type { ConnectionSender } from '../services/connection-sender.js';
import { encodeMessage, type ConnectionDelivery, type NotificationMessage } from './notify-user.use-case.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';

export interface SendToConnectionCommand {
  connectionId: string;
  message: NotificationMessage;
}

/** Sends to one connection through its own endpoint. Unknown or gone (410: the record is removed) → CONNECTION_NOT_FOUND. */
export class SendToConnectionUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly sender: ConnectionSender,
  ) {}

  async execute(command: SendToConnectionCommand): Promise<ConnectionDelivery> {
    const data = encodeMessage(command.message);
    const connection = await this.connections.findById(command.connectionId);
    if (!connection) throw new ConnectionNotFoundError(command.connectionId);
    const delivery = await this.sender.send(connection, data);
    if (delivery.status === 'gone') throw new ConnectionNotFoundError(command.connectionId);
    return delivery;
  }
}
