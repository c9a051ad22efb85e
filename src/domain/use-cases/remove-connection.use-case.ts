import type { ConnectionRepository } from '../../ports/connection.repository.js';

export interface RemoveConnectionResult {
  /** False when there was nothing to remove (already gone): removal is idempotent. */
  removed: boolean;
  userId?: string;
}

/** Forgets a connection, on `$disconnect` or when a post answered 410. */
export class RemoveConnectionUseCase {
  constructor(private readonly connections: ConnectionRepository) {}

  async execute(connectionId: string): Promise<RemoveConnectionResult> {
    if (typeof connectionId !== 'string' || connectionId.length === 0) return { removed: false };
    const removed = await this.connections.remove(connectionId);
    return removed ? { removed: true, userId: removed.userId } : { removed: false };
  }
}
