import { ConnectionCloseFailedError, ConnectionNotFoundError } from '../errors/parity.errors.js';
import type { Connection } from '../model/connection.js';
import type { ConnectionMessenger } from '../../ports/connection.messenger.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { GroupRepository } from '../../ports/group.repository.js';

export type CloseOutcome = { status: 'closed' } | { status: 'gone' } | { status: 'failed'; message: string };

/**
 * Closes sockets through the management API of each one's own endpoint (`DELETE @connections/{id}`) and
 * forgets them (record and group memberships) once closed or found gone. `$disconnect` removes them too:
 * both removals are idempotent.
 */
export class CloseConnectionUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly messenger: ConnectionMessenger,
    private readonly groups: GroupRepository,
  ) {}

  /** Unknown or already gone → CONNECTION_NOT_FOUND; the management API refusing → UPSTREAM_ERROR. */
  async execute(connectionId: string): Promise<void> {
    const connection = await this.connections.findById(connectionId);
    if (!connection) throw new ConnectionNotFoundError(connectionId);
    const outcome = await this.close(connection);
    if (outcome.status === 'gone') throw new ConnectionNotFoundError(connectionId);
    if (outcome.status === 'failed') throw new ConnectionCloseFailedError(connectionId, outcome.message);
  }

  async close(connection: Connection): Promise<CloseOutcome> {
    const result = await this.messenger.deleteConnection(connection.endpoint, connection.connectionId);
    if (result.status !== 'deleted' && result.status !== 'gone') return { status: 'failed', message: result.message };
    await this.connections.remove(connection.connectionId);
    await this.groups.removeConnectionFromAll(connection.connectionId);
    return result.status === 'deleted' ? { status: 'closed' } : { status: 'gone' };
  }
}
