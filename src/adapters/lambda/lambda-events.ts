/**
 * Typed events of API Gateway WebSocket APIs (Lambda proxy integration), as API Gateway sends them
 * (docs/emulator.md lists the fields). Shared by the handlers and the local emulator that produces them.
 */

export type WebSocketEventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

/** `requestContext.authorizer`: the authorizer's context values plus `principalId`. */
export type AuthorizerContext = Record<string, string | number | boolean | null | undefined> & {
  principalId?: string;
};

export interface WebSocketRequestContext {
  routeKey: string;
  eventType: WebSocketEventType;
  extendedRequestId: string;
  requestTime: string;
  messageDirection: 'IN';
  stage: string;
  /** Epoch milliseconds. */
  connectedAt: number;
  requestTimeEpoch: number;
  identity: { sourceIp: string; userAgent?: string };
  requestId: string;
  domainName: string;
  connectionId: string;
  apiId: string;
  /** MESSAGE only. */
  messageId?: string;
  /** DISCONNECT only. */
  disconnectStatusCode?: number;
  disconnectReason?: string;
  authorizer?: AuthorizerContext;
}

export interface WebSocketEvent {
  requestContext: WebSocketRequestContext;
  /** CONNECT and DISCONNECT (the handshake's headers). */
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string> | null;
  multiValueQueryStringParameters?: Record<string, string[]> | null;
  /** MESSAGE: the frame's text (base64 when `isBase64Encoded`). */
  body?: string;
  isBase64Encoded: boolean;
}

export interface WebSocketResult {
  statusCode: number;
  body?: string;
  headers?: Record<string, string>;
}

/** REQUEST authorizer event of a WebSocket API's `$connect` route. */
export interface WebSocketAuthorizerEvent {
  type: 'REQUEST';
  /** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect` */
  methodArn: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string> | null;
  multiValueQueryStringParameters?: Record<string, string[]> | null;
  stageVariables?: Record<string, string> | null;
  requestContext: WebSocketRequestContext;
}

export interface PolicyStatement {
  Action: string;
  Effect: 'Allow' | 'Deny';
  Resource: string | string[];
}

export interface AuthorizerResult {
  principalId: string;
  policyDocument: { Version: '2012-10-17'; Statement: PolicyStatement[] };
  context?: Record<string, string | number | boolean>;
}

/** The slice of the Lambda context the handlers use. */
export interface LambdaContext {
  awsRequestId?: string;
  functionName?: string;
  getRemainingTimeInMillis?: () => number;
}

export type WebSocketHandler = (event: WebSocketEvent, context?: LambdaContext) => Promise<WebSocketResult>;
export type AuthorizerHandler = (event: WebSocketAuthorizerEvent, context?: LambdaContext) => Promise<AuthorizerResult>;
