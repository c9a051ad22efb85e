import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import type {
  AuthorizerResult,
  WebSocketAuthorizerEvent,
  WebSocketEvent,
  WebSocketResult,
} from '../../../src/adapters/lambda/lambda-events.js';
import type { ApiGatewayEmulator } from '../../../src/local/emulator/api-gateway-emulator.js';

export const REGION = 'eu-west-1';
export const CREDENTIALS = { accessKeyId: 'AKIDEMULATORTEST', secretAccessKey: 'emulator-test-secret' };

/** Tokens the fixture authorizer understands. */
export const TOKENS = {
  alice: 'allow-alice',
  deny: 'deny-me',
  otherArn: 'allow-other-arn',
  broken: 'authorizer-crash',
} as const;

/** Records every event the emulator hands to the handlers, in order. */
export class EventLog {
  readonly events: WebSocketEvent[] = [];
  readonly authorizerEvents: WebSocketAuthorizerEvent[] = [];

  of(connectionId: string, eventType?: WebSocketEvent['requestContext']['eventType']): WebSocketEvent[] {
    return this.events.filter(
      (e) => e.requestContext.connectionId === connectionId && (!eventType || e.requestContext.eventType === eventType),
    );
  }

  /** Polls until an event matches; the wait is bounded but nothing asserts on its duration. */
  async waitFor(predicate: (e: WebSocketEvent) => boolean, timeoutMs = 5_000): Promise<WebSocketEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no matching event arrived');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  disconnectOf(connectionId: string): Promise<WebSocketEvent> {
    return this.waitFor((e) => e.requestContext.connectionId === connectionId && e.requestContext.eventType === 'DISCONNECT');
  }
}

export async function fixtureAuthorizer(event: WebSocketAuthorizerEvent, log: EventLog): Promise<AuthorizerResult> {
  log.authorizerEvents.push(event);
  const token = event.queryStringParameters?.token ?? headerValue(event.headers, 'authorization')?.replace(/^Bearer /, '');
  const allow = (resource: string, principalId = 'alice'): AuthorizerResult => ({
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resource }] },
    context: { userId: principalId, tier: 3, admin: false },
  });
  switch (token) {
    case TOKENS.alice:
      return allow(event.methodArn);
    case TOKENS.deny:
      return {
        principalId: 'mallory',
        policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: event.methodArn }] },
      };
    case TOKENS.otherArn:
      return allow('arn:aws:execute-api:eu-west-1:123456789012:someotherapi/*/$connect');
    case TOKENS.broken:
      throw new TypeError('cannot read the signing key');
    default:
      throw new Error('Unauthorized');
  }
}

export function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  const key = Object.keys(headers ?? {}).find((h) => h.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers?.[key];
}

export const ok = async (): Promise<WebSocketResult> => ({ statusCode: 200 });

export function managementClient(
  emulator: ApiGatewayEmulator,
  stage: string,
  credentials: { accessKeyId: string; secretAccessKey: string } = CREDENTIALS,
): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint: emulator.managementEndpoint(stage),
    region: REGION,
    credentials,
    // One attempt: the SDK retries signature errors as clock skew, which only slows the tests down.
    maxAttempts: 1,
  });
}

/** A promise with its resolver, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
