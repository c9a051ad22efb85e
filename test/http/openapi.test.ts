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

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));

  it('should pass an OpenAPI validator', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('should name its component schemas instead of def-N, and refer to them', () => {
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['ConnectionsReply', 'ErrorReply', 'NotifyReply', 'NotifyRequest', 'StatusReply']);
    expect(JSON.stringify(doc)).not.toMatch(/def-\d/);
    expect(doc.paths['/notify']?.post?.requestBody?.content['application/json']?.example).toEqual({ userId: 'alice', message: { hello: 'world' } });
    expect(doc.paths['/users/{userId}/connections']?.get?.responses['200']?.content?.['application/json']?.schema.$ref).toBe(
      '#/components/schemas/ConnectionsReply',
    );
    expect(doc.paths['/notify']?.post?.responses['400']?.content?.['application/json']?.schema.$ref).toBe('#/components/schemas/ErrorReply');
  });

  it('should give every route an operationId and describe every response, with examples', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.sort()).toEqual(['getLiveness', 'getReadiness', 'listUserConnections', 'notifyUser']);
    for (const { route, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${route} ${status}`).not.toBe('Default Response');
        expect(response.description.length, `${route} ${status}`).toBeGreaterThan(10);
      }
    }
    for (const name of ['NotifyRequest', 'NotifyReply', 'ConnectionsReply', 'ErrorReply', 'StatusReply']) {
      const schema = doc.components.schemas[name] as { example?: unknown; examples?: unknown };
      expect(schema.example ?? schema.examples, name).toBeDefined();
    }
    expect(doc.paths['/notify']?.post?.responses['413']?.description).toContain('131,072');
  });

  it('should list exactly the statuses each route can answer', () => {
    const statuses = Object.fromEntries(operations().map(({ route, op }) => [route, Object.keys(op.responses).sort()]));
    expect(statuses).toEqual({
      'POST /notify': ['200', '400', '401', '413', '415', '429', '503'],
      'GET /users/{userId}/connections': ['200', '400', '401', '414', '429', '503'],
      'GET /healthz': ['200'],
      'GET /readyz': ['200', '503'],
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
