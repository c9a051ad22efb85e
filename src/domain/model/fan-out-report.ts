import { MAX_REPORTED_FAILURES } from './audience.js';

export interface FanOutFailure {
  connectionId: string;
  code: string;
  message: string;
}

/** The answer of a send to a group or to everyone: totals, and at most 100 failures, never one entry per socket. */
export interface FanOutReport {
  delivered: number;
  gone: number;
  failed: number;
  excluded: number;
  failures: FanOutFailure[];
  /** True when more sockets failed than `failures` lists. */
  failuresTruncated: boolean;
  /**
   * Present when the send stopped before it was done (its deadline passed, or the service shut down): the
   * connections it had not read yet were not sent to and are not counted.
   */
  stopped?: 'DEADLINE_EXCEEDED' | 'SHUTDOWN';
}

export class FanOutTally {
  private readonly report: FanOutReport = { delivered: 0, gone: 0, failed: 0, excluded: 0, failures: [], failuresTruncated: false };

  add(outcome: { connectionId: string; status: 'delivered' | 'gone' | 'failed'; error?: { code: string; message: string } }): void {
    this.report[outcome.status] += 1;
    if (outcome.status !== 'failed') return;
    if (this.report.failures.length < MAX_REPORTED_FAILURES) {
      this.report.failures.push({
        connectionId: outcome.connectionId,
        code: outcome.error?.code ?? 'UPSTREAM_ERROR',
        message: outcome.error?.message ?? 'failed',
      });
    } else {
      this.report.failuresTruncated = true;
    }
  }

  exclude(): void {
    this.report.excluded += 1;
  }

  toReport(): FanOutReport {
    return { ...this.report, failures: [...this.report.failures] };
  }
}
