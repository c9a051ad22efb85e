import { ConnectionNotFoundError } from '../errors/parity.errors.js';
import type { ConnectionDelivery } from '../model/delivery.js';
import { isRecoverable } from '../model/recovery.js';
import type { ConnectionSender } from '../services/connection-sender.js';
import { OutgoingMessage, type NotificationMessage } from '../services/outgoing-message.js';
import type { StopSignal } from '../shared/stop-signal.js';
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

  /** Honours the send deadline and the connect grace like every send; `stop` (shutdown) ends it early. */
  async execute(command: SendToConnectionCommand, stop?: StopSignal): Promise<ConnectionDelivery> {
    const message = OutgoingMessage.of(command.message);
    const run = this.sender.start(stop);
    let delivery: ConnectionDelivery;
    try {
      const connection = await this.connections.findById(command.connectionId);
      if (!connection) throw new ConnectionNotFoundError(command.connectionId);
      // Message recovery: a socketpost.v1 socket's message is numbered and logged for its user (413 first when it cannot fit).
      if (isRecoverable(connection)) await this.sender.prepareUser(message, connection.userId, [connection]);
      delivery = await this.sender.send(connection, message, run.signal);
    } finally {
      run.end();
    }
    if (delivery.status === 'gone') throw new ConnectionNotFoundError(command.connectionId);
    return delivery;
  }
}
