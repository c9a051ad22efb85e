import type { ManagementEndpointProps } from '../../domain/model/management-endpoint.js';
import type {
  ConnectionMessenger,
  DeleteConnectionResult,
  GetConnectionResult,
  PostResult,
} from '../../ports/connection.messenger.js';
import type { MetricLabels, Metrics } from '../../ports/metrics.js';
import { BoundedMemo } from './bounded-memo.js';

/**
 * A ConnectionMessenger decorator that counts every post by stage and result (delivered, gone, forbidden,
 * throttled, too_large, error) and records its latency. Labels hold the stage, never the connection id.
 */
export class InstrumentedConnectionMessenger implements ConnectionMessenger {
  /** One labels object per stage and result, built once: a post allocates none. */
  private readonly labels = new BoundedMemo<MetricLabels>();

  constructor(
    private readonly inner: ConnectionMessenger,
    private readonly metrics: Metrics,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async post(endpoint: ManagementEndpointProps, connectionId: string, data: Uint8Array): Promise<PostResult> {
    const started = this.now();
    let result: PostResult;
    try {
      result = await this.inner.post(endpoint, connectionId, data);
    } catch (error) {
      this.record(endpoint.stage, 'error', started);
      throw error;
    }
    this.record(endpoint.stage, result.status, started);
    return result;
  }

  getConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<GetConnectionResult> {
    return this.inner.getConnection(endpoint, connectionId);
  }

  deleteConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<DeleteConnectionResult> {
    return this.inner.deleteConnection(endpoint, connectionId);
  }

  private record(stage: string, result: string, started: number): void {
    const key = `${result}\u0000${stage}`;
    const labels = this.labels.get(key) ?? this.labels.keep(key, { stage, result });
    this.metrics.count('posts', labels);
    this.metrics.observe('post_latency_ms', this.now() - started, labels);
  }
}
