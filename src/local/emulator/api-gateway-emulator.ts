import type { ConnectionInfo } from './emulated-connection.js';
import { resolveEmulatorOptions, type EmulatorHandlers, type EmulatorOptions } from './emulator-options.js';
import { EmulatorServer } from './emulator.server.js';

export type { ConnectionInfo } from './emulated-connection.js';
export { DEFAULT_API_ID, type EmulatorCredentials, type EmulatorHandlers, type EmulatorOptions } from './emulator-options.js';

/** A running local API Gateway WebSocket API. */
export interface ApiGatewayEmulator {
  /** `http://127.0.0.1:{port}` */
  readonly url: string;
  readonly port: number;
  readonly apiId: string;
  readonly region: string;
  readonly stages: readonly string[];
  /** `ws://127.0.0.1:{port}/{stage}` */
  wsUrl(stage: string): string;
  /** `http://127.0.0.1:{port}/{stage}`: the `endpoint` of an ApiGatewayManagementApiClient. */
  managementEndpoint(stage: string): string;
  /** Open connections (their `$connect` returned 2xx and they have not closed). */
  connections(): ConnectionInfo[];
  /** Destroys the TCP socket silently: no close frame, no `$disconnect`. False when the id is not open. */
  dropConnection(connectionId: string): boolean;
  /**
   * Opens a connection on `stage` without a socket (load tests): the management API serves it like any
   * other and counts the posts it delivers. Returns its id.
   */
  openVirtualConnection(stage: string): string;
  /** Posts delivered to a virtual connection so far; undefined for an id that never was one. */
  virtualDeliveries(connectionId: string): number | undefined;
  /** Closes every socket with 1001 (running `$disconnect`), clears timers and frees the port. Idempotent. */
  stop(): Promise<void>;
}

export async function startApiGatewayEmulator(
  handlers: EmulatorHandlers,
  options: EmulatorOptions,
): Promise<ApiGatewayEmulator> {
  const resolved = resolveEmulatorOptions(options);
  const server = new EmulatorServer(handlers, resolved);
  const port = await server.listen();
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    apiId: resolved.apiId,
    region: resolved.region,
    stages: [...resolved.stages],
    wsUrl: (stage) => `ws://${host}:${port}/${stage}`,
    managementEndpoint: (stage) => `${url}/${stage}`,
    connections: (): ConnectionInfo[] => server.connections(),
    dropConnection: (connectionId) => server.dropConnection(connectionId),
    openVirtualConnection: (stage) => server.openVirtualConnection(stage, `${host}:${port}`),
    virtualDeliveries: (connectionId) => server.virtualDeliveries(connectionId),
    stop: () => server.stop(),
  };
}
