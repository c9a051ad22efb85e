import type { ConnectionRegistry } from './connection.registry.js';
import type { EmulatedConnection } from './emulated-connection.js';

/**
 * An open connection without a socket, for load tests that need thousands of targets: the management API
 * treats it like any other (GET, DELETE, 403 through another stage, the post throttle), and counts what a
 * POST delivers instead of sending a frame. No `$connect` or `$disconnect` runs for it.
 */
export class VirtualConnections {
  private readonly delivered = new Map<string, number>();

  constructor(private readonly registry: ConnectionRegistry) {}

  open(connectionId: string, stage: string, domainName: string): void {
    const now = Date.now();
    const connection: EmulatedConnection = {
      connectionId,
      stage,
      connectedAt: now,
      lastActiveAt: now,
      sourceIp: '127.0.0.1',
      userAgent: 'virtual-connection',
      domainName,
      requestHeaders: { headers: { Host: domainName }, multiValueHeaders: { Host: [domainName] } },
      authorizer: undefined,
      state: 'open',
    };
    const close = () => this.registry.remove(connectionId);
    connection.channel = {
      deliver: () => {
        if (this.registry.get(connectionId) !== connection) return false;
        this.delivered.set(connectionId, (this.delivered.get(connectionId) ?? 0) + 1);
        return true;
      },
      closeFromServer: close,
      drop: close,
      finished: Promise.resolve(),
    };
    this.delivered.set(connectionId, 0);
    this.registry.add(connection);
  }

  /** Posts delivered to a virtual connection so far (undefined for an id that was never one). */
  deliveries(connectionId: string): number | undefined {
    return this.delivered.get(connectionId);
  }
}
