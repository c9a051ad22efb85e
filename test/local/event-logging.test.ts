import { describe, expect, it } from 'vitest';
import { loadLocalStackConfig } from '../../src/local/local-stack.config.js';
import { REDACTED_VALUE, redactEvent, withEventLogging } from '../../src/local/event-logging.js';
import { authorizerEvent, connectEvent } from '../support/websocket-events.js';
import { MemoryLogger } from '../support/silent-logger.js';

describe('LOG_EVENTS', () => {
  it('should be off by default, on with LOG_EVENTS=1 or true, and refuse other values', () => {
    expect(loadLocalStackConfig({}).logEvents).toBe(false);
    expect(loadLocalStackConfig({ LOG_EVENTS: '1' }).logEvents).toBe(true);
    expect(loadLocalStackConfig({ LOG_EVENTS: 'true' }).logEvents).toBe(true);
    expect(() => loadLocalStackConfig({ LOG_EVENTS: 'yes' })).toThrow(/LOG_EVENTS must be one of/);
  });

  it('should redact the query string token and the Authorization header in every casing, and nothing else', () => {
    const event = {
      ...connectEvent({}, { token: 'secret.jwt.value', other: 'kept' }),
      headers: { Host: 'h', AUTHORIZATION: 'Bearer secret.jwt.value' },
      multiValueHeaders: { Host: ['h'], authorization: ['Bearer secret.jwt.value'] },
      multiValueQueryStringParameters: { token: ['secret.jwt.value'], other: ['kept'] },
    };
    const redacted = redactEvent(event);
    expect(JSON.stringify(redacted)).not.toContain('secret.jwt.value');
    expect(redacted.queryStringParameters).toEqual({ token: REDACTED_VALUE, other: 'kept' });
    expect(redacted.multiValueQueryStringParameters).toEqual({ token: [REDACTED_VALUE], other: ['kept'] });
    expect(redacted.headers).toEqual({ Host: 'h', AUTHORIZATION: REDACTED_VALUE });
    expect(redacted.multiValueHeaders).toEqual({ Host: ['h'], authorization: [REDACTED_VALUE] });
    expect(redacted.requestContext).toEqual(event.requestContext);
    // The handler still gets the original event.
    expect(event.queryStringParameters?.token).toBe('secret.jwt.value');
  });

  it('should log each event a handler gets, redacted, then run the handler with the original event', async () => {
    const logger = new MemoryLogger();
    const seen: unknown[] = [];
    const handlers = withEventLogging(
      {
        authorizer: async (event) => {
          seen.push(event);
          return { principalId: 'alice', policyDocument: { Version: '2012-10-17', Statement: [] } };
        },
        connect: async (event) => (seen.push(event), { statusCode: 200 }),
      },
      logger,
    );
    const auth = authorizerEvent({ token: 'tok.en.value', authorization: 'Bearer tok.en.value' });
    await handlers.authorizer?.(auth);
    await handlers.connect?.(connectEvent({}, { token: 'tok.en.value' }));
    expect(logger.lines.map((l) => [l.message, l.fields?.handler])).toEqual([
      ['lambda event', 'authorizer'],
      ['lambda event', 'connect'],
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain('tok.en.value');
    expect(seen[0]).toBe(auth);
  });
});
