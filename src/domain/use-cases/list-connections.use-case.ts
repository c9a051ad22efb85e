import { isLive, type Connection } from '../model/connection.js';
import { assertUserId } from '../shared/user-id.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';

/** A user's live connections, oldest first. */
export class ListConnectionsUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly clock: Clock,
  ) {}

  async execute(userId: string): Promise<Connection[]> {
    const found = await this.connections.findByUser(assertUserId(userId));
    const now = this.clock.now();
    return found.filter((c) => isLive(c, now)).sort((a, b) => a.connectedAt - b.connectedAt);
  }
}
