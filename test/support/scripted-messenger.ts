import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import type {
  ConnectionMessenger,
  DeleteConnectionResult,
  GetConnectionResult,
  PostResult,
} from '../../src/ports/connection.messenger.js';

export interface RecordedPost {
  url: string;
  region: string;
  connectionId: string;
  text: string;
}

/**
 * A messenger for domain tests. Like API Gateway, it only accepts a post made through the connection's
 * home endpoint (else 403) and to a known connection (else 410); scripted answers can be queued per connection.
 */
export class ScriptedMessenger implements ConnectionMessenger {
  readonly posts: RecordedPost[] = [];
  /** Every GET and DELETE, in order. */
  readonly calls: Array<{ method: 'GET' | 'DELETE'; url: string; connectionId: string }> = [];
  private readonly homes = new Map<string, { url: string; region: string; openedAt: number }>();
  private readonly scripts = new Map<string, PostResult[]>();
  /** The answer of every DELETE of a connection, instead of the normal behaviour. */
  readonly deleteScripts = new Map<string, DeleteConnectionResult>();
  inFlight = 0;
  maxInFlight = 0;
  /** Milliseconds each post takes (real time), to observe concurrency. */
  latencyMs = 0;

  /** Declares a live connection and the only endpoint API Gateway accepts posts to it through. */
  open(connectionId: string, home: { url: string; region: string }): this {
    this.homes.set(connectionId, { ...home, openedAt: Date.now() });
    return this;
  }

  /** Queues answers for the next posts to `connectionId` (then the normal behaviour resumes). */
  script(connectionId: string, ...results: PostResult[]): this {
    this.scripts.set(connectionId, [...(this.scripts.get(connectionId) ?? []), ...results]);
    return this;
  }

  async post(endpoint: ManagementEndpointProps, connectionId: string, data: Uint8Array): Promise<PostResult> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      this.posts.push({ url: endpoint.url, region: endpoint.region, connectionId, text: new TextDecoder().decode(data) });
      const scripted = this.scripts.get(connectionId)?.shift();
      if (scripted) return scripted;
      const home = this.homes.get(connectionId);
      if (!home) return { status: 'gone' };
      if (home.url !== endpoint.url || home.region !== endpoint.region) {
        return { status: 'forbidden', message: 'Forbidden' };
      }
      return { status: 'delivered' };
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Found through the connection's home endpoint, 403 through another, 410 when unknown or deleted. */
  async getConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<GetConnectionResult> {
    this.calls.push({ method: 'GET', url: endpoint.url, connectionId });
    const home = this.homes.get(connectionId);
    if (!home) return { status: 'gone' };
    if (home.url !== endpoint.url || home.region !== endpoint.region) return { status: 'forbidden', message: 'Forbidden' };
    return {
      status: 'found',
      connection: { connectedAt: home.openedAt, lastActiveAt: home.openedAt, identity: { sourceIp: '127.0.0.1' } },
    };
  }

  /** Closes the connection (later posts answer gone), through its home endpoint only. */
  async deleteConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<DeleteConnectionResult> {
    this.calls.push({ method: 'DELETE', url: endpoint.url, connectionId });
    const scripted = this.deleteScripts.get(connectionId);
    if (scripted) return scripted;
    const home = this.homes.get(connectionId);
    if (!home) return { status: 'gone' };
    if (home.url !== endpoint.url || home.region !== endpoint.region) return { status: 'forbidden', message: 'Forbidden' };
    this.homes.delete(connectionId);
    return { status: 'deleted' };
  }
}
