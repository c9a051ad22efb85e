import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createPinoLogger, pinoOptions, REDACTED, redactSecrets } from '../../src/adapters/logging/pino.logger.js';
import { captureLines as capture } from '../support/log-capture.js';

describe('PinoLogger', () => {
  it('should write the message and fields as one JSON line', () => {
    const { stream, lines } = capture();
    createPinoLogger({ level: 'info', destination: stream }).info('notify finished', { userId: 'u1', delivered: 2 });

    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ msg: 'notify finished', userId: 'u1', delivered: 2, level: 30, service: 'socketpost' });
    expect(typeof lines()[0]?.time).toBe('string');
  });

  it('should redact tokens, authorization headers, API keys and query tokens wherever we log them', () => {
    const { stream, lines } = capture();
    const logger = createPinoLogger({ level: 'info', destination: stream });

    logger.info('connect', {
      token: 'jwt-top',
      authorization: 'Bearer top',
      apiKey: 'key-top',
      user: { token: 'jwt-nested', apiKey: 'key-nested', name: 'ann' },
      headers: { authorization: 'Bearer h1', Authorization: 'Bearer H1', host: 'example.com' },
      req: { headers: { authorization: 'Bearer req', 'x-api-key': 'k', accept: '*/*' } },
      queryStringParameters: { token: 'jwt-query', lang: 'en' },
      event: { queryStringParameters: { token: 'jwt-event' } },
    });

    const [line] = lines();
    const text = JSON.stringify(line);
    for (const secret of ['jwt-top', 'Bearer', 'key-top', 'jwt-nested', 'key-nested', 'jwt-query', 'jwt-event', '"k"']) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({
      token: REDACTED,
      authorization: REDACTED,
      apiKey: REDACTED,
      user: { token: REDACTED, apiKey: REDACTED, name: 'ann' },
      headers: { authorization: REDACTED, Authorization: REDACTED, host: 'example.com' },
      req: { headers: { authorization: REDACTED, 'x-api-key': REDACTED, accept: '*/*' } },
      queryStringParameters: { token: REDACTED, lang: 'en' },
      event: { queryStringParameters: { token: REDACTED } },
    });
  });

  it('should drop lines below the configured level', () => {
    const { stream, lines } = capture();
    const logger = createPinoLogger({ level: 'warn', destination: stream });

    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');

    expect(lines().map((l) => [l.msg, l.level])).toEqual([
      ['w', 40],
      ['e', 50],
    ]);
  });

  it('should write nothing at level silent', () => {
    const { stream, lines } = capture();
    createPinoLogger({ level: 'silent', destination: stream }).error('e');
    expect(lines()).toEqual([]);
  });

  it('should write debug lines at level debug', () => {
    const { stream, lines } = capture();
    createPinoLogger({ level: 'debug', destination: stream }).debug('details', { attempt: 1 });
    expect(lines()).toEqual([expect.objectContaining({ msg: 'details', attempt: 1, level: 20 })]);
  });

  it('should add child bindings to every line of the child, not the parent, and redact them too', () => {
    const { stream, lines } = capture();
    const parent = createPinoLogger({ level: 'info', destination: stream });
    const child = parent.child({ requestId: 'r-1', token: 'jwt-binding' });
    const grandchild = child.child({ connectionId: 'c-1' });

    child.info('from child');
    grandchild.warn('from grandchild', { attempt: 2 });
    parent.info('from parent');

    const [fromChild, fromGrandchild, fromParent] = lines();
    expect(fromChild).toMatchObject({ msg: 'from child', requestId: 'r-1', token: REDACTED });
    expect(fromGrandchild).toMatchObject({ msg: 'from grandchild', requestId: 'r-1', connectionId: 'c-1', attempt: 2 });
    expect(fromParent?.requestId).toBeUndefined();
    expect(JSON.stringify(lines())).not.toContain('jwt-binding');
  });

  it('should serialize an Error given as err with its message and stack', () => {
    const { stream, lines } = capture();
    createPinoLogger({ level: 'info', destination: stream }).error('boom', { err: new Error('disk full') });
    const err = lines()[0]?.err as Record<string, unknown>;
    expect(err.message).toBe('disk full');
    expect(err.type).toBe('Error');
    expect(String(err.stack)).toContain('disk full');
  });

  it('should write an error given as text under error or err as that text, not letter by letter', () => {
    const { stream, lines } = capture();
    const logger = createPinoLogger({ level: 'info', destination: stream });
    logger.error('disconnect could not remove the connection', { connectionId: 'c1', error: 'DynamoDB remove failed: TimeoutError' });
    logger.warn('odd', { err: 'plain text', error: 42 });
    expect(lines()[0]).toMatchObject({ connectionId: 'c1', error: 'DynamoDB remove failed: TimeoutError' });
    expect(lines()[1]).toMatchObject({ err: 'plain text', error: 42 });
  });

  it('should give Fastify the same redaction through pinoOptions', () => {
    const { stream, lines } = capture();
    const raw = pino(pinoOptions('info'), stream);
    raw.info({ req: { headers: { authorization: 'Bearer fastify' } } }, 'incoming request');
    expect(lines()[0]).toMatchObject({ req: { headers: { authorization: REDACTED } } });
  });
});

describe('redactSecrets', () => {
  it('should censor secret keys in any case, in arrays and up to four levels deep, without touching the original', () => {
    const original = {
      event: { requestContext: { authorizer: { Token: 'deep-token', userId: 'ann' } } },
      list: [{ password: 'p1' }, { name: 'x' }],
      headers: { Cookie: 'c=1', 'X-Api-Key': 'key' },
      multiValueHeaders: { Authorization: ['Bearer a', 'Bearer b'] },
    };
    const snapshot = structuredClone(original);

    const redacted = redactSecrets(original);

    expect(redacted).toEqual({
      event: { requestContext: { authorizer: { Token: REDACTED, userId: 'ann' } } },
      list: [{ password: REDACTED }, { name: 'x' }],
      headers: { Cookie: REDACTED, 'X-Api-Key': REDACTED },
      multiValueHeaders: { Authorization: REDACTED },
    });
    expect(original).toEqual(snapshot);
  });

  it('should return an object without secrets as it is, and leave class instances to their serializers', () => {
    const clean = { userId: 'u', nested: { delivered: 1 } };
    expect(redactSecrets(clean)).toBe(clean);
    const error = Object.assign(new Error('x'), { token: 'left-to-the-serializer' });
    expect(redactSecrets({ err: error }).err).toBe(error);
  });

  it('should censor the secret fields of a logged error', () => {
    const { stream, lines } = capture();
    createPinoLogger({ level: 'info', destination: stream }).error('failed', { err: Object.assign(new Error('denied'), { apiKey: 'error-key' }) });
    expect(lines()[0]?.err).toMatchObject({ message: 'denied', apiKey: REDACTED });
    expect(JSON.stringify(lines())).not.toContain('error-key');
  });
});
