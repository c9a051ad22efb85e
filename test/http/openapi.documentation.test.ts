import { FormatRegistry, Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_SCHEMAS } from '../../src/adapters/http/components.js';
import { StatusReply } from '../../src/adapters/http/http.schemas.js';
import { routeResponses } from '../../src/adapters/http/route-responses.js';
import { auth, restFixture } from './rest-app.fixture.js';

/**
 * What a reader of /docs relies on, route by route and field by field: each operation is grouped, summarised
 * and says whether it needs the API key; every parameter and every field of a request body is explained; the
 * counts and the fields of a reply that need reading are explained; every example is one the API accepts or
 * could answer, with nothing left blank.
 */

interface JsonSchema {
  description?: string;
  type?: string;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  $ref?: string;
  example?: unknown;
  examples?: unknown[];
}
interface Parameter {
  name: string;
  in: string;
  description?: string;
  example?: unknown;
  schema: JsonSchema;
}
interface Operation {
  operationId: string;
  tags?: string[];
  summary?: string;
  description?: string;
  security?: unknown;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, { type: string; scheme: string }> };
}

let doc: Doc;
let f: Awaited<ReturnType<typeof restFixture>>;

beforeAll(async () => {
  f = await restFixture();
  doc = (await f.app.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
});
afterAll(async () => {
  await f.app.close();
});

const operations = () => Object.values(doc.paths).flatMap((methods) => Object.values(methods));
const refName = (schema: JsonSchema | undefined) => schema?.$ref?.replace('#/components/schemas/', '');
const component = (name: string) => doc.components.schemas[name] as JsonSchema;
/** The tag of each operation of the notify API (the health checks need no key). */
const TAGS: Record<string, string> = {
  notifyUser: 'notify',
  listUserConnections: 'connections',
  getLiveness: 'health',
  getReadiness: 'health',
  sendToConnection: 'connections',
  closeConnection: 'connections',
  closeUserConnections: 'connections',
  'isUserOnline-head': 'connections',
  addUserToGroup: 'groups',
  removeUserFromGroup: 'groups',
  listGroupUsers: 'groups',
  listGroupConnections: 'groups',
  sendToGroup: 'groups',
  broadcast: 'broadcast',
};
/** The request body components, and a route that takes each. */
const REQUEST_BODIES = ['NotifyRequest', 'MessageRequest', 'GroupMessageRequest', 'BroadcastRequest'];
const ROUTE_OF: Record<string, string> = {
  NotifyRequest: '/notify',
  MessageRequest: '/connections/c1/messages',
  GroupMessageRequest: '/groups/room:42/messages',
  BroadcastRequest: '/broadcast',
};

/** Example values of a string schema the API would refuse (bounds and pattern). */
function refusedBy(schema: JsonSchema, value: unknown): string | undefined {
  if (schema.type !== 'string') return undefined;
  if (typeof value !== 'string') return 'not a string';
  if (schema.minLength !== undefined && value.length < schema.minLength) return `shorter than ${schema.minLength}`;
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return `longer than ${schema.maxLength}`;
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return `not matching ${schema.pattern}`;
  return undefined;
}

describe('OpenAPI document: operations', () => {
  it('should group every operation under one tag and give it a summary', () => {
    const tags = Object.fromEntries(operations().map((op) => [op.operationId, op.tags]));
    expect(Object.keys(tags).sort(), 'every operation has its tag listed here').toEqual(Object.keys(TAGS).sort());
    for (const [operationId, tag] of Object.entries(TAGS)) expect(tags[operationId], operationId).toEqual([tag]);
    for (const op of operations()) {
      expect(op.tags, op.operationId).toHaveLength(1);
      expect(op.summary?.trim().length, op.operationId).toBeGreaterThan(5);
    }
  });

  it('should say that every operation of the notify API but the health checks needs the API key, as a bearer token', () => {
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const op of operations().filter((o) => o.operationId in TAGS)) {
      if (TAGS[op.operationId] === 'health') expect(op.security, op.operationId).toBeUndefined();
      else expect(op.security, op.operationId).toEqual([{ apiKey: [] }]);
    }
  });

  it("should describe each route's success in its own words, not only by the reply schema's description", () => {
    for (const op of operations()) {
      const [status, success] = Object.entries(op.responses).find(([code]) => code.startsWith('2')) ?? [];
      expect(success, op.operationId).toBeDefined();
      const schema = success?.content?.['application/json']?.schema;
      const generic = schema ? component(refName(schema) as string).description : undefined;
      expect(success?.description.trim().length, `${op.operationId} ${status}`).toBeGreaterThan(10);
      expect(success?.description, `${op.operationId} ${status}`).not.toBe(generic);
    }
  });

  it('should say how to name the recipients of a notify, and what a send to an unknown connection answers', () => {
    const byId = Object.fromEntries(operations().map((op) => [op.operationId, op]));
    expect(byId.notifyUser?.description).toContain('Give `userId`, or `userIds` (1–100 users');
    expect(byId.sendToConnection?.description).toContain('404 CONNECTION_NOT_FOUND');
  });
});

describe('OpenAPI document: errors', () => {
  /** The codes the service answers with each status (the error mapper, the edge, the guard, the rate limit). */
  const CODES: Record<string, string[]> = {
    '400': ['VALIDATION_ERROR', 'INVALID_JSON', 'JSON_TOO_DEEP'],
    '401': ['UNAUTHORIZED'],
    '404': ['CONNECTION_NOT_FOUND'],
    '409': ['IDEMPOTENCY_KEY_IN_USE'],
    '413': ['MESSAGE_TOO_LARGE', 'PAYLOAD_TOO_LARGE'],
    '414': ['URI_TOO_LONG'],
    '415': ['UNSUPPORTED_MEDIA_TYPE'],
    '422': ['IDEMPOTENCY_KEY_REUSED'],
    '429': ['RATE_LIMITED'],
    '502': ['UPSTREAM_ERROR'],
    '503': ['STORAGE_UNAVAILABLE'],
  };

  it('should name, for every error status of every route, the codes that status comes with', () => {
    let checked = 0;
    for (const op of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (!status.startsWith('4') && !status.startsWith('5')) continue;
        // HEAD's 404 is an answer (offline), not an error, and has its own text.
        if (op.operationId === 'isUserOnline-head' && status === '404') {
          expect(response.description).toContain('no live connection');
          continue;
        }
        for (const code of CODES[status] ?? [`(no code known for ${status})`]) expect(response.description, `${op.operationId} ${status}`).toContain(`\`${code}\``);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(80);
  });

  it('should document a JSON ErrorReply for every error but those of HEAD, and no body for 204 and HEAD answers', () => {
    for (const op of operations()) {
      const head = op.operationId === 'isUserOnline-head';
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (head || status === '204') expect(response.content, `${op.operationId} ${status}`).toBeUndefined();
        else if (!status.startsWith('2')) expect(schema, `${op.operationId} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorReply' });
        else if (op.operationId in TAGS) expect(schema?.$ref, `${op.operationId} ${status}`).toMatch(/^#\/components\/schemas\/\w+Reply$|NotifyResult$/);
      }
    }
  });

  it("should refuse, at start, a route whose responses are described wrong, saying how to fix it", () => {
    expect(() => routeResponses({ status: 200, description: 'no schema' }, [])).toThrow('HTTP 200 needs a schema: only 204 and HEAD answers have no body');
    expect(() => routeResponses({ status: 200, schema: StatusReply, description: 'head' }, [], { withoutBody: true })).toThrow('a HEAD answer has no body: give no schema');
    expect(() => routeResponses({ status: 200, schema: Type.Object({}), description: 'no id' }, [])).toThrow('a success schema must have a $id and be registered with app.addSchema');
    expect(() => routeResponses({ status: 200, schema: StatusReply, description: 'ok' }, [418])).toThrow('no description for HTTP 418: add it to ERROR_RESPONSES');
    expect(Object.keys(routeResponses({ status: 204, description: 'gone' }, [404]))).toEqual(['204', '404']);
    expect(Object.keys(routeResponses({ status: 200, description: 'online' }, [404], { withoutBody: true, descriptions: { 404: 'offline' } }))).toEqual(['200', '404']);
    expect(routeResponses({ status: 200, description: 'online' }, [404], { withoutBody: true, descriptions: { 404: 'offline' } })[404]).toMatchObject({ description: 'offline', type: 'null' });
  });
});

describe('OpenAPI document: what to send', () => {
  it('should explain every parameter, with an example the route accepts for each path parameter and header', () => {
    for (const op of operations()) {
      for (const parameter of op.parameters ?? []) {
        const where = `${op.operationId} ${parameter.in} ${parameter.name}`;
        expect(parameter.description?.trim().length, where).toBeGreaterThan(5);
        const example = parameter.example ?? parameter.schema.example;
        if (parameter.in === 'path' || parameter.in === 'header') expect(example, where).toBeDefined();
        if (example !== undefined) expect(refusedBy(parameter.schema, example), where).toBeUndefined();
      }
    }
  });

  it('should give every text or list field of a request body an example the API accepts', () => {
    let fields = 0;
    for (const name of REQUEST_BODIES) {
      for (const [field, schema] of Object.entries(component(name).properties ?? {})) {
        if (schema.type !== 'string' && schema.type !== 'array') continue;
        fields += 1;
        const where = `${name}.${field}`;
        expect(schema.example, where).toBeDefined();
        if (schema.type === 'string') expect(refusedBy(schema, schema.example), where).toBeUndefined();
        else {
          expect(Array.isArray(schema.example) && schema.example.length > 0, where).toBe(true);
          for (const item of schema.example as unknown[]) expect(refusedBy(schema.items as JsonSchema, item), where).toBeUndefined();
        }
      }
    }
    expect(fields).toBe(7);
  });

  it('should explain every field of every request body, and each form a message can take', () => {
    for (const name of REQUEST_BODIES) {
      for (const [field, schema] of Object.entries(component(name).properties ?? {})) {
        expect(schema.description?.trim().length, `${name}.${field}`).toBeGreaterThan(5);
        for (const form of schema.anyOf ?? []) expect(form.description?.trim().length, `${name}.${field} (${form.type})`).toBeGreaterThan(5);
      }
    }
    const message = component('NotifyRequest').properties?.message;
    expect(message?.anyOf?.map((form) => form.type)).toEqual(['string', 'object']);
    expect(message?.description).toContain('131,072');
  });
});

describe('OpenAPI document: what comes back', () => {
  /** Every object schema inside a schema (properties, items, alternatives), with its path. */
  function* objectsOf(schema: JsonSchema, path: string): Generator<[string, JsonSchema]> {
    if (schema.properties) yield [path, schema];
    for (const [key, child] of Object.entries(schema.properties ?? {})) yield* objectsOf(child, `${path}.${key}`);
    if (schema.items) yield* objectsOf(schema.items, `${path}[]`);
    for (const [i, form] of (schema.anyOf ?? []).entries()) yield* objectsOf(form, `${path}|${i}`);
  }

  const replies = () =>
    [...new Set(operations().flatMap((op) => Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {}).map((m) => refName(m.schema) as string))))].filter(
      (name) => name !== 'ErrorReply',
    );

  it('should describe every component schema and every alternative of a reply that has two shapes', () => {
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(schema.description?.trim().length, name).toBeGreaterThan(10);
      for (const [i, form] of (schema.anyOf ?? []).entries()) expect(form.description?.trim().length, `${name} form ${i}`).toBeGreaterThan(10);
    }
  });

  it('should explain every count of sockets in a reply, and document every time as a date-time', () => {
    let counts = 0;
    for (const name of replies()) {
      for (const [path, object] of objectsOf(component(name), name)) {
        for (const [field, schema] of Object.entries(object.properties ?? {})) {
          if (['delivered', 'gone', 'failed', 'excluded', 'closed'].includes(field)) {
            counts += 1;
            expect(schema.description?.trim().length, `${path}.${field}`).toBeGreaterThan(10);
          }
          if (/At$/.test(field)) expect(schema.format, `${path}.${field}`).toBe('date-time');
        }
      }
    }
    expect(counts).toBeGreaterThanOrEqual(15);
  });

  it('should explain the reply fields a caller must act on: endpoint, cursor, failures, truncation, per-user reports, stages, status', () => {
    const property = (name: string, ...path: string[]) =>
      path.reduce<JsonSchema | undefined>((schema, key) => (key === '[]' ? schema?.items : schema?.properties?.[key]), component(name));
    const explained: Array<[string, JsonSchema | undefined]> = [
      ['ConnectionsReply.connections[].endpoint', property('ConnectionsReply', 'connections', '[]', 'endpoint')],
      ['GroupUsersReply.cursor', property('GroupUsersReply', 'cursor')],
      ['GroupMessageReply.failures', property('GroupMessageReply', 'failures')],
      ['GroupMessageReply.failuresTruncated', property('GroupMessageReply', 'failuresTruncated')],
      ['BroadcastReply.failures', property('BroadcastReply', 'failures')],
      ['BroadcastReply.stages[]', property('BroadcastReply', 'stages', '[]')],
      ['NotifyResult (userIds).users', component('NotifyResult').anyOf?.[1]?.properties?.users],
      ['ConnectionDeliveryReply.status', property('ConnectionDeliveryReply', 'status')],
    ];
    for (const [where, schema] of explained) expect(schema?.description?.trim().length, where).toBeGreaterThan(5);
  });

  it("should explain a group's connection list, the request id and a stopped send, and list the values of each status", () => {
    const property = (name: string, ...path: string[]) =>
      path.reduce<JsonSchema | undefined>((schema, key) => (key === '[]' ? schema?.items : schema?.properties?.[key]), component(name));
    const explained: Array<[string, JsonSchema | undefined]> = [
      ['GroupConnectionsReply.connections[].userId', property('GroupConnectionsReply', 'connections', '[]', 'userId')],
      ['GroupConnectionsReply.connections[].endpoint', property('GroupConnectionsReply', 'connections', '[]', 'endpoint')],
      ['GroupConnectionsReply.cursor', property('GroupConnectionsReply', 'cursor')],
      ['GroupMessageReply.stopped', property('GroupMessageReply', 'stopped')],
      ['BroadcastReply.stopped', property('BroadcastReply', 'stopped')],
      ['NotifyResult (userId).requestId', component('NotifyResult').anyOf?.[0]?.properties?.requestId],
    ];
    for (const [where, schema] of explained) expect(schema?.description?.trim().length, where).toBeGreaterThan(5);
    // A literal is `const` in the schema and `enum: [value]` once the document is OpenAPI 3.0.
    const values = (schema: JsonSchema | undefined) => (schema?.anyOf ?? []).map((form) => (form as { const?: unknown }).const ?? (form as { enum?: unknown[] }).enum?.[0]);
    expect(values(property('GroupMessageReply', 'stopped'))).toEqual(['DEADLINE_EXCEEDED', 'SHUTDOWN']);
    expect(values(property('BroadcastReply', 'stopped'))).toEqual(['DEADLINE_EXCEEDED', 'SHUTDOWN']);
    expect(values(property('ConnectionDeliveryReply', 'status'))).toEqual(['delivered', 'gone', 'failed']);
  });

  it('should say how Idempotency-Key works: the 24 h window, the scope by API key and the summary of a large answer', () => {
    const headers = operations().flatMap((op) => (op.parameters ?? []).filter((p) => p.in === 'header' && p.name === 'idempotency-key'));
    expect(headers.length).toBeGreaterThanOrEqual(4);
    for (const header of headers) {
      expect(header.description).toContain('within 24 h the first answer comes back');
      expect(header.description).toContain('Keys are scoped by API key');
      expect(header.description).toContain('Idempotent-Replay-Summary: true');
    }
  });
});

describe('OpenAPI document: examples', () => {
  FormatRegistry.Set('date-time', (value) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value) && !Number.isNaN(Date.parse(value)));

  /** Every string anywhere in a value, with its path. */
  function* stringsOf(value: unknown, path: string): Generator<[string, string]> {
    if (typeof value === 'string') yield [path, value];
    else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringsOf(item, `${path}[${i}]`);
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) yield* stringsOf(item, `${path}.${key}`);
  }

  const named = (id: string) => HTTP_SCHEMAS.find((schema) => schema.$id === id) as TSchema & { examples?: unknown[] };

  it('should give every component an example, with no blank string', () => {
    for (const schema of HTTP_SCHEMAS) {
      const examples = (schema as { examples?: unknown[] }).examples;
      expect(examples?.length, schema.$id).toBeGreaterThan(0);
      for (const example of examples ?? []) {
        for (const [path, text] of stringsOf(example, schema.$id as string)) expect(text.trim(), path).not.toBe('');
      }
    }
  });

  it('should show something in every list and object of an example (but `failures`), and truncation only with failures listed', () => {
    function* containersOf(value: unknown, path: string): Generator<[string, unknown[] | object]> {
      if (Array.isArray(value)) {
        yield [path, value];
        for (const [i, item] of value.entries()) yield* containersOf(item, `${path}[${i}]`);
      } else if (value && typeof value === 'object') {
        yield [path, value];
        for (const [key, item] of Object.entries(value)) yield* containersOf(item, `${path}.${key}`);
      }
    }
    for (const schema of HTTP_SCHEMAS) {
      for (const example of (schema as { examples?: unknown[] }).examples ?? []) {
        for (const [path, container] of containersOf(example, schema.$id as string)) {
          if (path.endsWith('.failures')) continue; // an empty failure list is the usual answer
          expect(Object.keys(container).length, path).toBeGreaterThan(0);
        }
        const report = example as { failures?: unknown[]; failuresTruncated?: boolean };
        if (report.failuresTruncated) expect(report.failures?.length, `${schema.$id}: failuresTruncated with no failure listed`).toBeGreaterThan(0);
      }
    }
  });

  it('should give every reply an example that its schema accepts', () => {
    for (const schema of HTTP_SCHEMAS.filter((s) => !REQUEST_BODIES.includes(s.$id as string))) {
      for (const example of (schema as { examples?: unknown[] }).examples ?? []) {
        expect([...Value.Errors(schema, [...HTTP_SCHEMAS], example)].map((e) => `${e.path} ${e.message}`), schema.$id).toEqual([]);
      }
    }
  });

  it('should give every request body an example that its route accepts as it is', async () => {
    await f.connect('L0SM9cOFvHcCIhw=', 'alice');
    await f.connect('c1', 'bob');
    for (const name of REQUEST_BODIES) {
      for (const example of named(name).examples ?? []) {
        const res = await f.app.inject({ method: 'POST', url: ROUTE_OF[name] as string, headers: auth, payload: example as object });
        expect(res.statusCode, `${name} ${res.body}`).toBe(200);
      }
    }
  });

  it('should show, in the examples of delivery reports and connection lists, connections with every field filled', () => {
    const first = (id: string) => named(id).examples?.[0] as { connections?: Array<Record<string, unknown>>; users?: Array<{ connections: unknown[] }> };
    expect(first('NotifyReply').connections?.map((c) => c.status)).toEqual(['delivered', 'gone']);
    expect(first('ConnectionsReply').connections?.[0]).toEqual({
      connectionId: expect.any(String),
      apiId: expect.any(String),
      stage: expect.any(String),
      region: expect.any(String),
      endpoint: expect.stringMatching(/^https:\/\/[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com\/\w+$/),
      connectedAt: expect.any(String),
    });
    expect(first('NotifyResult').users?.every((user) => user.connections.length > 0)).toBe(true);
  });

  it('should show an example user id wherever a user id is sent', () => {
    expect(component('NotifyRequest').properties?.userId?.example).toBe('alice');
    expect(component('NotifyRequest').properties?.userIds?.items?.example).toBe('alice');
  });
});
