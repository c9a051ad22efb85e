import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_RESPONSES, routeResponses } from '../../src/adapters/http/route-responses.js';
import { StatusReply } from '../../src/adapters/http/http.schemas.js';
import { auth, restFixture } from './rest-app.fixture.js';

type Operation = {
  operationId?: string;
  responses: Record<string, { description: string; content?: Record<string, { schema: { $ref?: string }; example?: unknown }> }>;
  requestBody?: { content: Record<string, { schema: { $ref?: string }; example?: unknown }> };
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { description?: string }> };
};

describe('OpenAPI document', () => {
  let doc: Doc;
  let f: Awaited<ReturnType<typeof restFixture>>;

  beforeAll(async () => {
    f = await restFixture();
    doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
  });

  afterAll(async () => {
    await f.app.close();
  });

  /** Every component schema: the bodies and success replies of every route, and the shared error reply. */
  const COMPONENTS = [
    'BroadcastReply',
    'BroadcastRequest',
    'CloseUserReply',
    'ConnectionDeliveryReply',
    'ConnectionsReply',
    'ErrorReply',
    'GroupConnectionsReply',
    'GroupMessageReply',
    'GroupMessageRequest',
    'GroupUsersReply',
    'MessageRequest',
    'NotifyReply',
    'NotifyRequest',
    'NotifyResult',
    'StatusReply',
  ];

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));

  it('should pass an OpenAPI validator', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('should name its component schemas instead of def-N, and refer to them', () => {
    expect(Object.keys(doc.components.schemas).sort()).toEqual(COMPONENTS);
    expect(JSON.stringify(doc)).not.toMatch(/def-\d/);
    expect(doc.paths['/notify']?.post?.requestBody?.content['application/json']?.example).toEqual({ userId: 'alice', message: { hello: 'world' } });
    expect(doc.paths['/users/{userId}/connections']?.get?.responses['200']?.content?.['application/json']?.schema.$ref).toBe(
      '#/components/schemas/ConnectionsReply',
    );
    expect(doc.paths['/notify']?.post?.responses['400']?.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/ErrorReply');
    // Every reply with a body refers to a component.
    for (const { route, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const media of Object.values(response.content ?? {})) {
          expect(media.schema, `${route} ${status}`).toMatchObject({ $ref: expect.stringMatching(/^#\/components\/schemas\/\w+$/) });
        }
      }
    }
  });

  it('should give every route an operationId and describe every response, with examples', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.sort()).toEqual([
      'addUserToGroup',
      'broadcast',
      'closeConnection',
      'closeUserConnections',
      'getLiveness',
      'getReadiness',
      // @fastify/swagger suffixes the operationId of a documented HEAD route with `-head`.
      'isUserOnline-head',
      'listGroupConnections',
      'listGroupUsers',
      'listUserConnections',
      'notifyUser',
      'removeUserFromGroup',
      'sendToConnection',
      'sendToGroup',
    ]);
    for (const { route, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${route} ${status}`).not.toBe('Default Response');
        expect(response.description.length, `${route} ${status}`).toBeGreaterThan(10);
      }
    }
    for (const name of COMPONENTS) {
      const schema = doc.components.schemas[name] as { example?: unknown; examples?: unknown };
      expect(schema.example ?? schema.examples, name).toBeDefined();
    }
    expect(doc.paths['/notify']?.post?.responses['413']?.description).toContain('131,072');
  });

  it('should list exactly the statuses each route can answer', () => {
    const statuses = Object.fromEntries(operations().map(({ route, op }) => [route, Object.keys(op.responses).sort()]));
    expect(statuses).toEqual({
      // Idempotency-Key: 409 (in use), 422 (reused).
      'POST /notify': ['200', '400', '401', '409', '413', '415', '422', '429', '503'],
      'GET /users/{userId}/connections': ['200', '400', '401', '414', '429', '503'],
      'GET /healthz': ['200'],
      'GET /readyz': ['200', '503'],
      // A path parameter over 1,024 characters: 414. A POST, PUT or DELETE may carry a body: 413, 415. HEAD has none.
      'POST /connections/{connectionId}/messages': ['200', '400', '401', '404', '409', '413', '414', '415', '422', '429', '503'],
      'DELETE /connections/{connectionId}': ['204', '400', '401', '404', '413', '414', '415', '429', '502', '503'],
      'DELETE /users/{userId}/connections': ['200', '400', '401', '413', '414', '415', '429', '503'],
      'HEAD /users/{userId}/connections': ['200', '400', '401', '404', '414', '429', '503'],
      'PUT /groups/{group}/users/{userId}': ['204', '400', '401', '413', '414', '415', '429', '503'],
      'DELETE /groups/{group}/users/{userId}': ['204', '400', '401', '413', '414', '415', '429', '503'],
      'GET /groups/{group}/users': ['200', '400', '401', '414', '429', '503'],
      'GET /groups/{group}/connections': ['200', '400', '401', '414', '429', '503'],
      'POST /groups/{group}/messages': ['200', '400', '401', '409', '413', '414', '415', '422', '429', '503'],
      'POST /broadcast': ['200', '400', '401', '409', '413', '415', '422', '429', '503'],
    });
  });

  it('should answer the 415 it documents for POST /notify', async () => {
    const res = await f.app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'content-type': 'text/plain' }, payload: 'hi' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('should refuse to build a response map with a status that has no description', () => {
    expect(() => routeResponses({ status: 200, schema: StatusReply, description: 'ok' }, [418])).toThrow(/ERROR_RESPONSES/);
    expect(Object.keys(ERROR_RESPONSES).length).toBeGreaterThan(0);
  });
});
