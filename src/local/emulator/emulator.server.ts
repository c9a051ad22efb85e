import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionRegistry } from './connection.registry.js';
import type { ConnectionInfo } from './emulated-connection.js';
import type { EmulatorHandlers, ResolvedEmulatorOptions } from './emulator-options.js';
import { EventFactory } from './event.factory.js';
import { HandshakeHandler } from './handshake.handler.js';
import { HostCheck } from './host.check.js';
import { writeAwsError } from './http-replies.js';
import { ManagementApiHandler } from './management-api.handler.js';
import { SigV4Verifier } from './sigv4.verifier.js';
import { VirtualConnections } from './virtual-connection.js';

/** What API Gateway answers for a domain it does not serve. */
const FORBIDDEN_HOST = { status: 403, errorType: 'ForbiddenException', message: 'Forbidden' };

/** One HTTP server: WebSocket upgrades on `/{stage}`, the management API on `/{stage}/@connections/{id}`. */
export class EmulatorServer {
  private readonly registry = new ConnectionRegistry();
  private readonly handshakes: HandshakeHandler;
  private readonly management: ManagementApiHandler;
  private readonly server: Server;
  private readonly virtual: VirtualConnections;
  private readonly hostCheck: HostCheck;
  private stopped: Promise<void> | undefined;

  constructor(
    handlers: EmulatorHandlers,
    private readonly options: ResolvedEmulatorOptions,
  ) {
    const logger = options.logger.child({ component: 'api-gateway-emulator' });
    const events = new EventFactory(options.apiId, options.region, options.accountId);
    this.hostCheck = new HostCheck(options.host, options.allowedHosts);
    this.handshakes = new HandshakeHandler({ registry: this.registry, events, handlers, options, logger }, this.hostCheck);
    this.virtual = new VirtualConnections(this.registry);
    this.management = new ManagementApiHandler(this.registry, new SigV4Verifier(options.region, options.credentials), options);
    this.server = createServer((req, res) => {
      if (!this.hostCheck.allows(req.headers.host)) {
        writeAwsError(res, FORBIDDEN_HOST);
        return;
      }
      this.management.handle(req, res).catch((err: unknown) => {
        logger.error('management request failed', { error: String(err) });
        if (!res.headersSent) writeAwsError(res, { status: 500, errorType: 'InternalServerErrorException', message: 'Internal server error' });
        else res.destroy();
      });
    });
    this.server.on('upgrade', (req, socket, head: Buffer) => void this.handshakes.handle(req, socket, head));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.hostCheck.listening(port);
    return port;
  }

  connections(): ConnectionInfo[] {
    return this.registry.open().map(({ state: _state, channel: _channel, ...info }) => ({
      ...info,
      authorizer: info.authorizer ? { ...info.authorizer } : undefined,
    }));
  }

  dropConnection(connectionId: string): boolean {
    const channel = this.registry.get(connectionId)?.channel;
    if (!channel) return false;
    channel.drop();
    return true;
  }

  openVirtualConnection(stage: string, domainName: string): string {
    if (!this.options.stages.includes(stage)) throw new Error(`unknown stage: ${stage}`);
    let connectionId = this.options.connectionIdFactory();
    for (let attempt = 0; this.registry.get(connectionId); attempt += 1) {
      if (attempt >= 100) throw new Error('connectionIdFactory keeps returning ids that are in use');
      connectionId = this.options.connectionIdFactory();
    }
    this.virtual.open(connectionId, stage, domainName);
    return connectionId;
  }

  virtualDeliveries(connectionId: string): number | undefined {
    return this.virtual.deliveries(connectionId);
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    await this.handshakes.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Keep-alive sockets of SDK clients would hold the port open.
      this.server.closeAllConnections();
    });
  }
}
