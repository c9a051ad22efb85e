import type {
  AuthorizerContext,
  WebSocketAuthorizerEvent,
  WebSocketEvent,
  WebSocketRequestContext,
} from '../../src/adapters/lambda/lambda-events.js';

/** Complete API Gateway WebSocket events, with every field API Gateway sends (docs/emulator.md). */
export interface EventOptions {
  connectionId?: string;
  apiId?: string;
  domainName?: string;
  stage?: string;
  connectedAt?: number;
  authorizer?: AuthorizerContext;
}

const defaults = {
  connectionId: 'L0SM9cOFvHcCIhw=',
  apiId: 'apia1',
  domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
  stage: 'dev',
  connectedAt: Date.UTC(2026, 10, 25, 12, 0, 0),
};

function requestContext(
  eventType: WebSocketRequestContext['eventType'],
  routeKey: string,
  o: EventOptions,
): WebSocketRequestContext {
  const v = { ...defaults, ...o };
  const now = v.connectedAt + 1_500;
  return {
    routeKey,
    eventType,
    extendedRequestId: 'L0SM9GnsPHcFWqQ=',
    requestTime: '25/Nov/2026:12:00:01 +0000',
    messageDirection: 'IN',
    stage: v.stage,
    connectedAt: v.connectedAt,
    requestTimeEpoch: now,
    identity: { sourceIp: '203.0.113.7', ...(eventType === 'CONNECT' ? { userAgent: 'ws-test/1.0' } : {}) },
    requestId: 'L0SM9FtNDoEFW6w=',
    domainName: v.domainName,
    connectionId: v.connectionId,
    apiId: v.apiId,
    ...(o.authorizer ? { authorizer: o.authorizer } : {}),
  };
}

export function connectEvent(o: EventOptions = {}, query: Record<string, string> | null = null): WebSocketEvent {
  const headers = {
    Host: 'socketpost.example.com', // a Host header that must never be used to build the endpoint
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    'User-Agent': 'ws-test/1.0',
    'X-Forwarded-For': '203.0.113.7',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
  };
  return {
    requestContext: requestContext('CONNECT', '$connect', o),
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters: query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    isBase64Encoded: false,
  };
}

export function messageEvent(body: string, o: EventOptions = {}, isBase64Encoded = false): WebSocketEvent {
  return {
    requestContext: { ...requestContext('MESSAGE', '$default', o), messageId: 'L0SM9cWMPHcCIhw=' },
    body,
    isBase64Encoded,
  };
}

export function disconnectEvent(o: EventOptions = {}, code = 1001, reason = 'Going away'): WebSocketEvent {
  return {
    requestContext: { ...requestContext('DISCONNECT', '$disconnect', o), disconnectStatusCode: code, disconnectReason: reason },
    headers: { Host: 'socketpost.example.com', 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
    multiValueHeaders: {},
    isBase64Encoded: false,
  };
}

export function authorizerEvent(
  o: EventOptions & { token?: string; authorization?: string } = {},
): WebSocketAuthorizerEvent {
  const base = connectEvent(o, o.token === undefined ? null : { token: o.token });
  const headers = { ...(base.headers ?? {}), ...(o.authorization ? { Authorization: o.authorization } : {}) };
  const v = { ...defaults, ...o };
  return {
    type: 'REQUEST',
    methodArn: `arn:aws:execute-api:us-east-1:123456789012:${v.apiId}/${v.stage}/$connect`,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, h]) => [k, [h]])),
    queryStringParameters: base.queryStringParameters ?? null,
    multiValueQueryStringParameters: base.multiValueQueryStringParameters ?? null,
    stageVariables: null,
    requestContext: base.requestContext,
  };
}
