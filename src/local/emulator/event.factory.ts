import type { IncomingMessage } from 'node:http';
import type {
  WebSocketAuthorizerEvent,
  WebSocketEvent,
  WebSocketEventType,
  WebSocketRequestContext,
} from '../../adapters/lambda/lambda-events.js';
import { formatRequestTime, newAwsId, newTraceId } from './aws-ids.js';
import type { EmulatedConnection } from './emulated-connection.js';

/** Headers, query string and port of the handshake request, in the shapes Lambda events use. */
export interface HandshakeRequestParts {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | undefined;
  multiValueQueryStringParameters: Record<string, string[]> | undefined;
}

/** Builds the events API Gateway hands to Lambda, field for field (see docs/emulator.md). */
export class EventFactory {
  constructor(
    private readonly apiId: string,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  methodArn(stage: string): string {
    return `arn:aws:execute-api:${this.region}:${this.accountId}:${this.apiId}/${stage}/$connect`;
  }

  authorizer(connection: EmulatedConnection, parts: HandshakeRequestParts): WebSocketAuthorizerEvent {
    return {
      type: 'REQUEST',
      methodArn: this.methodArn(connection.stage),
      headers: parts.headers,
      multiValueHeaders: parts.multiValueHeaders,
      queryStringParameters: parts.queryStringParameters ?? null,
      multiValueQueryStringParameters: parts.multiValueQueryStringParameters ?? null,
      stageVariables: null,
      requestContext: this.context(connection, '$connect', 'CONNECT', { withUserAgent: true }),
    };
  }

  connect(connection: EmulatedConnection, parts: HandshakeRequestParts): WebSocketEvent {
    const event: WebSocketEvent = {
      requestContext: this.context(connection, '$connect', 'CONNECT', { withUserAgent: true }),
      headers: parts.headers,
      multiValueHeaders: parts.multiValueHeaders,
      isBase64Encoded: false,
    };
    // AWS leaves the query string fields out when the URL has none.
    if (parts.queryStringParameters) {
      event.queryStringParameters = parts.queryStringParameters;
      event.multiValueQueryStringParameters = parts.multiValueQueryStringParameters ?? null;
    }
    return event;
  }

  message(connection: EmulatedConnection, routeKey: string, body: string, isBase64Encoded: boolean): WebSocketEvent {
    const requestContext = this.context(connection, routeKey, 'MESSAGE');
    requestContext.messageId = newAwsId();
    return { requestContext, body, isBase64Encoded };
  }

  disconnect(connection: EmulatedConnection, statusCode: number, reason: string): WebSocketEvent {
    const requestContext = this.context(connection, '$disconnect', 'DISCONNECT');
    requestContext.disconnectStatusCode = statusCode;
    requestContext.disconnectReason = reason;
    // Like AWS, `$disconnect` carries the headers of the handshake (Host, X-Forwarded-For and the rest).
    return {
      requestContext,
      headers: { ...connection.requestHeaders.headers },
      multiValueHeaders: Object.fromEntries(Object.entries(connection.requestHeaders.multiValueHeaders).map(([k, v]) => [k, [...v]])),
      isBase64Encoded: false,
    };
  }

  private context(
    connection: EmulatedConnection,
    routeKey: string,
    eventType: WebSocketEventType,
    options: { withUserAgent?: boolean } = {},
  ): WebSocketRequestContext {
    const now = Date.now();
    const requestId = newAwsId();
    const identity: WebSocketRequestContext['identity'] = { sourceIp: connection.sourceIp };
    if (options.withUserAgent && connection.userAgent !== undefined) identity.userAgent = connection.userAgent;
    const context: WebSocketRequestContext = {
      routeKey,
      eventType,
      extendedRequestId: requestId,
      requestTime: formatRequestTime(now),
      messageDirection: 'IN',
      stage: connection.stage,
      connectedAt: connection.connectedAt,
      requestTimeEpoch: now,
      identity,
      requestId,
      domainName: connection.domainName,
      connectionId: connection.connectionId,
      apiId: this.apiId,
    };
    if (connection.authorizer) context.authorizer = { ...connection.authorizer };
    return context;
  }
}

/** Reads headers (original casing, as API Gateway passes them) and query string of a handshake. */
export function handshakeRequestParts(req: IncomingMessage, url: URL, sourceIp: string): HandshakeRequestParts {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const value = req.rawHeaders[i + 1] as string;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  // API Gateway adds the forwarding headers of its front end, and a trace id.
  const forwarded: Record<string, string> = {
    'X-Amzn-Trace-Id': newTraceId(Date.now()),
    'X-Forwarded-For': sourceIp,
    'X-Forwarded-Port': String(req.socket.localPort ?? ''),
    'X-Forwarded-Proto': 'http',
  };
  for (const [name, value] of Object.entries(forwarded)) {
    if (!Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase())) {
      headers[name] = value;
      multiValueHeaders[name] = [value];
    }
  }
  let queryStringParameters: Record<string, string> | undefined;
  let multiValueQueryStringParameters: Record<string, string[]> | undefined;
  for (const [name, value] of url.searchParams) {
    (queryStringParameters ??= {})[name] = value;
    ((multiValueQueryStringParameters ??= {})[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders, queryStringParameters, multiValueQueryStringParameters };
}
