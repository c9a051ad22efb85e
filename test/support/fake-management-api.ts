/**
 * A tiny local stand-in for the API Gateway `@connections` management API, for tests and benchmarks.
 *
 * Serves `POST|GET|DELETE /{stage}/@connections/{url-encoded id}` on 127.0.0.1 (port 0) and answers like AWS:
 * POST 200 (empty body), GET 200 (connection JSON), DELETE 204; errors carry `x-amzn-ErrorType` and a JSON
 * `{"message": …}` body (the header can be left out to imitate clients that only see a status code).
 *
 * Usage:
 * ```ts
 * const api = await startFakeManagementApi();
 * const endpointUrl = api.endpointUrl('dev');         // http://127.0.0.1:PORT/dev
 * api.setBehaviour('conn-1', { status: 410 });       // GoneException with header
 * api.setBehaviour('conn-2', { status: 410, errorTypeHeader: false }); // bare 410
 * api.setBehaviour('conn-3', { status: 200, failFirst: { times: 2, status: 429 } });
 * api.requests;                                      // every request, in arrival order
 * await api.close();
 * ```
 * Nothing checks signatures: the `authorization` header is only recorded.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/** One answer: a status, whether errors carry `x-amzn-ErrorType`, and an optional delay before answering. */
export interface FakeReply {
  /** 200 = success (DELETE answers 204); 403 / 410 / 413 / 429 / 500 / any other status = that error. */
  status: number;
  /** Send `x-amzn-ErrorType` on errors (default true). */
  errorTypeHeader?: boolean;
  /** Wait this long before answering (default 0). */
  delayMs?: number;
  /** `x-amzn-ErrorType` to send instead of the one that goes with `status` (to make header and status disagree). */
  errorType?: string;
}

export interface ConnectionBehaviour extends FakeReply {
  /** Answer `failFirst` for the first `times` requests to this connection, then the reply above. */
  failFirst?: FakeReply & { times: number };
}

export interface RecordedRequest {
  method: string;
  /** Path exactly as sent, still URL-encoded. */
  rawPath: string;
  /** Decoded stage, or undefined when the path is not an @connections path. */
  stage?: string;
  /** Decoded connection id, or undefined when the path is not an @connections path. */
  connectionId?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The client's port: one per TCP connection, so equal ports mean a kept-alive connection was reused. */
  remotePort?: number;
}

export interface FakeManagementApiOptions {
  /** Behaviour of connections without their own (default `{ status: 200 }`). */
  defaultBehaviour?: ConnectionBehaviour;
  /** When set, requests to any other stage answer 403 ForbiddenException, as AWS does for a wrong stage. */
  stages?: string[];
  /** Serve HTTPS with this PEM key and certificate (self-signed is fine; the client must be told to trust it). */
  tls?: { key: string; cert: string };
}

export interface FakeManagementApi {
  /** `http://127.0.0.1:PORT` (`https://` with the `tls` option) */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order (recorded before any delay). */
  readonly requests: readonly RecordedRequest[];
  /** `http://127.0.0.1:PORT/{stage}`: the management endpoint URL of that stage. */
  endpointUrl(stage: string): string;
  setBehaviour(connectionId: string, behaviour: ConnectionBehaviour): void;
  setDefaultBehaviour(behaviour: ConnectionBehaviour): void;
  /** Requests whose decoded connection id is `connectionId`. */
  requestsFor(connectionId: string): RecordedRequest[];
  /** Forgets requests, behaviours and counters (keeps the server open). */
  reset(): void;
  /** Closes the server, cutting requests still waiting on a delay. */
  close(): Promise<void>;
}

/** API Gateway's payload limit: larger POST bodies answer 413 whatever the behaviour. */
const MAX_PAYLOAD_BYTES = 131_072;

const ERROR_TYPES: Record<number, string> = {
  400: 'BadRequestException',
  403: 'ForbiddenException',
  404: 'NotFoundException',
  410: 'GoneException',
  413: 'PayloadTooLargeException',
  429: 'LimitExceededException',
  500: 'InternalServerErrorException',
  502: 'BadGatewayException',
  503: 'ServiceUnavailableException',
};

/** Body messages name no exception type, so a client without the header really has only the status. */
const MESSAGES: Record<number, string> = {
  403: 'Forbidden',
  410: 'Gone',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'Internal server error',
};

const CONNECTIONS_PATH = /^\/([^/]+)\/@connections\/([^/?]+)$/;

export async function startFakeManagementApi(options: FakeManagementApiOptions = {}): Promise<FakeManagementApi> {
  const requests: RecordedRequest[] = [];
  const behaviours = new Map<string, ConnectionBehaviour>();
  const counts = new Map<string, number>();
  let defaultBehaviour: ConnectionBehaviour = options.defaultBehaviour ?? { status: 200 };
  const stages = options.stages && new Set(options.stages);

  const handle: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawPath = (req.url ?? '/').split('?')[0] as string;
      const match = CONNECTIONS_PATH.exec(rawPath);
      const stage = match ? safeDecode(match[1] as string) : undefined;
      const connectionId = match ? safeDecode(match[2] as string) : undefined;
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', rawPath, stage, connectionId, headers: req.headers, body, remotePort: req.socket.remotePort });

      if (stage === undefined || connectionId === undefined) {
        // What AWS answers for a path it does not route.
        void answer(res, { status: 403 }, 'Missing Authentication Token');
        return;
      }
      if (stages && !stages.has(stage)) {
        void answer(res, { status: 403 }, 'Forbidden');
        return;
      }
      const behaviour = behaviours.get(connectionId) ?? defaultBehaviour;
      const seen = (counts.get(connectionId) ?? 0) + 1;
      counts.set(connectionId, seen);
      const reply = behaviour.failFirst && seen <= behaviour.failFirst.times ? behaviour.failFirst : behaviour;
      if (req.method === 'POST' && body.byteLength > MAX_PAYLOAD_BYTES && reply.status < 300) {
        void answer(res, { ...reply, status: 413 }, 'Request entity too large');
        return;
      }
      void answer(res, reply, undefined, req);
    });
  };
  const server = options.tls ? createTlsServer({ key: options.tls.key, cert: options.tls.cert }, handle) : createServer(handle);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    port,
    requests,
    endpointUrl: (stage) => `${url}/${encodeURIComponent(stage)}`,
    setBehaviour: (connectionId, behaviour) => {
      behaviours.set(connectionId, behaviour);
      counts.delete(connectionId);
    },
    setDefaultBehaviour: (behaviour) => {
      defaultBehaviour = behaviour;
    },
    requestsFor: (connectionId) => requests.filter((r) => r.connectionId === connectionId),
    reset: () => {
      requests.length = 0;
      behaviours.clear();
      counts.clear();
      defaultBehaviour = options.defaultBehaviour ?? { status: 200 };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(res: ServerResponse, reply: FakeReply, message?: string, req?: IncomingMessage): Promise<void> {
  if (reply.delayMs && reply.delayMs > 0) {
    await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  }
  // The client may have given up (timeout) while we waited.
  if (res.destroyed || res.socket?.destroyed) return;

  if (reply.status >= 200 && reply.status < 300) {
    if (req?.method === 'GET') {
      const now = new Date().toISOString();
      const info = { connectedAt: now, identity: { sourceIp: '127.0.0.1', userAgent: 'fake-client' }, lastActiveAt: now };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info));
    } else if (req?.method === 'DELETE') {
      res.writeHead(204).end();
    } else {
      res.writeHead(reply.status, { 'content-length': '0' }).end();
    }
    return;
  }

  const errorType = reply.errorType ?? ERROR_TYPES[reply.status] ?? (reply.status >= 500 ? 'InternalServerErrorException' : 'BadRequestException');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (reply.errorTypeHeader !== false) headers['x-amzn-ErrorType'] = errorType;
  res.writeHead(reply.status, headers).end(JSON.stringify({ message: message ?? MESSAGES[reply.status] ?? 'Error' }));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
