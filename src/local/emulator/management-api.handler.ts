import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionRegistry } from './connection.registry.js';
import type { ResolvedEmulatorOptions } from './emulator-options.js';
import { stageOf } from './handshake.handler.js';
import { forbidden, gone, writeAwsError, writeSuccess, type AwsErrorReply } from './http-replies.js';
import { PostRateLimiter } from './post-rate.limiter.js';
import type { SigV4Verifier } from './sigv4.verifier.js';
import { tryDecode } from './uri.js';

type ManagementRoute =
  | { kind: 'connection'; stage: string; connectionId: string }
  | { kind: 'websocket-url'; stage: string }
  | { kind: 'none' };

const limitExceeded = (): AwsErrorReply => ({ status: 429, errorType: 'LimitExceededException', message: 'Rate exceeded' });

const payloadTooLarge = (): AwsErrorReply => ({
  status: 413,
  errorType: 'PayloadTooLargeException',
  message: 'Request Too Long',
});

/**
 * `POST|GET|DELETE /{stage}/@connections/{id}` with API Gateway's order of checks: signature, stage,
 * size, then the connection — which must be open and belong to this very stage.
 */
export class ManagementApiHandler {
  private readonly postRate: PostRateLimiter | undefined;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly verifier: SigV4Verifier,
    private readonly options: ResolvedEmulatorOptions,
  ) {
    this.postRate = options.maxPostsPerSecond ? new PostRateLimiter(options.maxPostsPerSecond) : undefined;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQuery = queryAt < 0 ? '' : rawUrl.slice(queryAt + 1);
    const route = parseRoute(rawPath);

    if (route.kind === 'websocket-url' && req.method === 'GET' && this.options.stages.includes(route.stage)) {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'Upgrade' });
      res.end('Upgrade Required');
      return;
    }
    if (route.kind !== 'connection' || !['POST', 'GET', 'DELETE'].includes(req.method ?? '')) {
      return writeAwsError(res, forbidden('Missing Authentication Token'));
    }

    // Read a bounded body: enough to check the signature of an oversized post and answer 413 properly.
    const body = await readBody(req, this.options.maxPayloadBytes * 4);
    if (body === undefined) return writeAwsError(res, payloadTooLarge());
    // The account throttle comes before anything else is looked at.
    if (req.method === 'POST' && this.postRate && !this.postRate.tryAcquire()) return writeAwsError(res, limitExceeded());

    const verdict = await this.verifier.verify({ method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headers, body });
    if (!verdict.ok) return writeAwsError(res, verdict.reply);
    if (!this.options.stages.includes(route.stage)) return writeAwsError(res, forbidden());
    if (req.method === 'POST' && body.length > this.options.maxPayloadBytes) return writeAwsError(res, payloadTooLarge());

    const connection = this.registry.get(route.connectionId);
    if (!connection) return writeAwsError(res, gone());
    // The seed's bug: a connection answers only through the stage it was opened on.
    if (connection.stage !== route.stage) return writeAwsError(res, forbidden());
    if (connection.state !== 'open' || !connection.channel) return writeAwsError(res, gone());

    switch (req.method) {
      case 'POST':
        if (!connection.channel.deliver(body)) return writeAwsError(res, gone());
        return writeSuccess(res, 200);
      case 'GET':
        return writeSuccess(res, 200, {
          connectedAt: new Date(connection.connectedAt).toISOString(),
          identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent ?? '' },
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        });
      default:
        connection.channel.closeFromServer(1000, 'Going away');
        return writeSuccess(res, 204);
    }
  }
}

function parseRoute(rawPath: string): ManagementRoute {
  const stage = stageOf(rawPath);
  if (stage !== undefined) return { kind: 'websocket-url', stage: tryDecode(stage) ?? stage };
  const segments = rawPath.split('/');
  if (segments.length !== 4 || segments[0] !== '') return { kind: 'none' };
  const [, rawStage, rawResource, rawId] = segments as [string, string, string, string];
  const resource = tryDecode(rawResource);
  const connectionId = tryDecode(rawId);
  const routeStage = tryDecode(rawStage);
  if (resource !== '@connections' || !connectionId || !routeStage) return { kind: 'none' };
  return { kind: 'connection', stage: routeStage, connectionId };
}


/** The whole body, or undefined when it passes `limit` bytes (the rest is drained, so the answer still goes out). */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size <= limit) chunks.push(buf);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}
