import type { ConnectionRepository } from '../../ports/connection.repository.js';

/** Ready when storage answers; throws StorageUnavailableError otherwise. */
export class CheckReadinessUseCase {
  constructor(private readonly connections: ConnectionRepository) {}

  async execute(): Promise<void> {
    await this.connections.ping();
  }
}
