import { assertUserId } from '../shared/user-id.js';
import { mapWithConcurrency } from '../shared/map-with-concurrency.js';
import type { CloseConnectionUseCase } from './close-connection.use-case.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';

export interface CloseUserConnectionsReport {
  userId: string;
  closed: number;
  gone: number;
  failed: number;
  failures: Array<{ connectionId: string; message: string }>;
}

/** Closes every socket of a user (e.g. at logout or when an account is suspended). */
export class CloseUserConnectionsUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly closeConnection: CloseConnectionUseCase,
    private readonly concurrency = 32,
  ) {}

  async execute(userId: string): Promise<CloseUserConnectionsReport> {
    const id = assertUserId(userId);
    const all = await this.connections.findByUser(id);
    const outcomes = await mapWithConcurrency(all, this.concurrency, async (c) => ({
      connectionId: c.connectionId,
      outcome: await this.closeConnection.close(c),
    }));
    const report: CloseUserConnectionsReport = { userId: id, closed: 0, gone: 0, failed: 0, failures: [] };
    for (const { connectionId, outcome } of outcomes) {
      report[outcome.status] += 1;
      if (outcome.status === 'failed') report.failures.push({ connectionId, message: outcome.message });
    }
    return report;
  }
}
