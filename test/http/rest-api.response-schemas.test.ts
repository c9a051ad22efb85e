import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app/app.js';
import { ValidationError } from '../../src/domain/errors/domain.error.js';
import type { CheckReadinessUseCase } from '../../src/domain/use-cases/check-readiness.use-case.js';
import type { ListConnectionsUseCase } from '../../src/domain/use-cases/list-connections.use-case.js';
import type { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { TEST_API_KEY } from '../support/core-config.js';

const auth = { authorization: `Bearer ${TEST_API_KEY}` };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** The app around use cases that answer whatever the test says, to see what the routes let out. */
async function appAnswering(notify: () => Promise<unknown>): Promise<FastifyInstance> {
  app = await buildApp({
    useCases: {
      notifyUser: { execute: notify } as unknown as NotifyUserUseCase,
      listConnections: { execute: async () => [] } as unknown as ListConnectionsUseCase,
      checkReadiness: { execute: async () => undefined } as unknown as CheckReadinessUseCase,
    },
    apiKeys: [TEST_API_KEY],
  });
  return app;
}

const notify = (a: FastifyInstance) =>
  a.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'hi' } });

describe('REST response schemas', () => {
  it('should serialise only the documented fields of a delivery report', async () => {
    const a = await appAnswering(async () => ({
      userId: 'alice',
      delivered: 1,
      gone: 0,
      failed: 1,
      internal: 'not for clients',
      connections: [
        { connectionId: 'c1', status: 'delivered', attempts: 1, endpoint: 'https://secret.example/dev' },
        { connectionId: 'c2', status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR', message: 'm', stack: 'at x.ts:1' } },
      ],
    }));
    const res = await notify(a);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      userId: 'alice',
      requestId: expect.any(String),
      delivered: 1,
      gone: 0,
      failed: 1,
      connections: [
        { connectionId: 'c1', status: 'delivered', attempts: 1 },
        { connectionId: 'c2', status: 'failed', attempts: 3, error: { code: 'UPSTREAM_ERROR', message: 'm' } },
      ],
    });
  });

  it('should answer a domain ValidationError from the use case with 400 VALIDATION_ERROR and its field', async () => {
    const a = await appAnswering(async () => {
      throw new ValidationError('userId', 'must not contain control characters');
    });
    const res = await notify(a);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_ERROR',
      message: 'userId: must not contain control characters',
      field: 'userId',
    });
  });

  it('should document the reply of every route and status in the OpenAPI document', async () => {
    const a = await appAnswering(async () => ({}));
    const doc = (await a.inject({ method: 'GET', url: '/openapi.json' })).json();
    // Replies are named components (issue 11): follow the $ref to the component's schema.
    const schemaOf = (path: string, method: string, status: string) => {
      const schema = doc.paths[path][method].responses[status]?.content?.['application/json']?.schema;
      const ref = /^#\/components\/schemas\/(.+)$/.exec(schema?.$ref ?? '')?.[1];
      return ref === undefined ? schema : { $ref: schema.$ref, ...doc.components.schemas[ref] };
    };

    // One user (userId) or several (userIds): the two documented shapes of the report.
    const [oneUser, manyUsers] = schemaOf('/notify', 'post', '200').anyOf;
    expect(Object.keys(oneUser.properties)).toEqual(['userId', 'requestId', 'delivered', 'gone', 'failed', 'excluded', 'connections']);
    expect(Object.keys(manyUsers.properties)).toEqual(['requestId', 'delivered', 'gone', 'failed', 'excluded', 'users']);
    expect(Object.keys(schemaOf('/users/{userId}/connections', 'get', '200').properties)).toEqual(['userId', 'connections']);
    expect(Object.keys(schemaOf('/healthz', 'get', '200').properties)).toEqual(['status']);
    expect(Object.keys(schemaOf('/readyz', 'get', '200').properties)).toEqual(['status']);
    for (const [path, method, statuses] of [
      ['/notify', 'post', ['400', '401', '413', '415', '503']],
      ['/users/{userId}/connections', 'get', ['400', '401', '503']],
      ['/readyz', 'get', ['503']],
    ] as const) {
      for (const status of statuses) {
        expect(JSON.stringify(schemaOf(path, method, status)), `${method} ${path} ${status}`).toMatch(/ErrorReply|"code"/);
      }
    }
    expect(doc.paths['/users/{userId}/connections'].get.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'userId', in: 'path', required: true })]),
    );
    expect(doc.paths['/notify'].post.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/openapi.json']).toBeUndefined();
  });
});
