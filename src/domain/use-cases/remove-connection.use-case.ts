import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { GroupRepository } from '../../ports/group.repository.js';

export interface RemoveConnectionResult {
  /** False when there was nothing to remove (already gone): removal is idempotent. */
  removed: boolean;
  userId?: string;
}

/** Forgets a connection and the groups it joined itself, on `$disconnect` or when a post answered 410. */
export class RemoveConnectionUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly groups?: GroupRepository,
  ) {}

  async execute(connectionId: string): Promise<RemoveConnectionResult> {
    if (typeof connectionId !== 'string' || connectionId.length === 0) return { removed: false };
    const removed = await this.connections.remove(connectionId);
    await this.groups?.removeConnectionFromAll(connectionId);
    return removed ? { removed: true, userId: removed.userId } : { removed: false };
  }
}
