import { isLive } from '../model/connection.js';
import { assertUserId } from '../shared/user-id.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';

/** Whether a user has at least one live connection (`HEAD /users/:userId/connections`). */
export class IsUserOnlineUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly clock: Clock,
  ) {}

  async execute(userId: string): Promise<boolean> {
    const found = await this.connections.findByUser(assertUserId(userId));
    const now = this.clock.now();
    return found.some((c) => isLive(c, now));
  }
}
