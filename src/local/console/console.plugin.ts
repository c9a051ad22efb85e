import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { ValidationError } from '../../domain/errors/domain.error.js';
import { userIdProblem } from '../../domain/shared/user-id.js';
import { CONSOLE_HEADER, apiRefusal, pageRefusal, type ConsoleRefusal, type ConsoleRequestFacts } from './console.guard.js';

/** What the console needs from the local stack that registers it. */
export interface ConsoleOptions {
  /** The key the console's REST calls are made with, server side: it never reaches the page. */
  apiKey: string;
  /** The emulator's stages and their WebSocket URLs (`ws://127.0.0.1:3001/dev`). */
  websocketUrls: Record<string, string>;
  /** Mints a JWT the local authorizer accepts. */
  mintToken(userId: string, options: { groups?: string[]; ttlSeconds?: number }): Promise<string>;
  /** The browser build of the WebSocket client, served as `/console/ws-client.js` (an ES module); built on first use. */
  wsClientScript(): Promise<string>;
}

export const CONSOLE_PATH = '/console';
const REST_PREFIX = `${CONSOLE_PATH}/api/rest`;
const GROUP_CLAIM = /^[A-Za-z0-9._:*-]{1,128}$/;
const MAX_GROUPS = 20;
const MAX_TTL_SECONDS = 86_400;

/** The page's own scripts (ES modules); `/console/ws-client.js` is the WebSocket client's browser build. */
const SCRIPTS = ['console.js', 'console-socket.js'];

const asset = (name: string) => readFile(new URL(`./assets/${name}`, import.meta.url), 'utf8');

function facts(request: FastifyRequest): ConsoleRequestFacts {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    remoteAddress: request.socket.remoteAddress,
    host: header('host'),
    origin: header('origin'),
    secFetchSite: header('sec-fetch-site'),
    consoleHeader: header(CONSOLE_HEADER),
  };
}

function refuse(reply: FastifyReply, refusal: ConsoleRefusal) {
  return reply.status(403).type('application/json').send({ statusCode: 403, error: 'Forbidden', ...refusal });
}

/** The page's CSP: its own script and styles, its own API, and WebSockets to the emulator only. */
function pageCsp(websocketUrls: Record<string, string>): string {
  const origins = new Set<string>();
  for (const url of Object.values(websocketUrls)) {
    const { protocol, port, hostname } = new URL(url);
    origins.add(`${protocol}//${hostname}:${port}`);
    // The page may be opened as localhost or 127.0.0.1; the emulator answers on both.
    origins.add(`${protocol}//${hostname === 'localhost' ? '127.0.0.1' : 'localhost'}:${port}`);
  }
  return (
    `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; ` +
    `connect-src 'self' ${[...origins].join(' ')}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`
  );
}

function tokenRequest(body: unknown): { userId: string; groups?: string[]; ttlSeconds?: number } {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const problem = userIdProblem(input.userId);
  if (problem) throw new ValidationError('userId', problem);
  const { groups, ttlSeconds } = input;
  if (groups !== undefined) {
    const ok = Array.isArray(groups) && groups.length <= MAX_GROUPS && groups.every((g) => typeof g === 'string' && GROUP_CLAIM.test(g));
    if (!ok) throw new ValidationError('groups', `must be at most ${MAX_GROUPS} group names or patterns of A-Z a-z 0-9 . _ : - * (e.g. ["room:*"] or ["*"])`);
  }
  if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && (ttlSeconds as number) >= 1 && (ttlSeconds as number) <= MAX_TTL_SECONDS)) {
    throw new ValidationError('ttlSeconds', `must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`);
  }
  return {
    userId: input.userId as string,
    ...(groups !== undefined ? { groups: groups as string[] } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds: ttlSeconds as number } : {}),
  };
}

/**
 * The live console (`/console`), registered by the local stack on the notify service it starts; the deployed
 * service never has it. The page mints tokens and reaches the REST API through `/console/api/*`, which add
 * the local API key server side, so the key is never in the page.
 */
export async function consolePlugin(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const [html, styles, ...scripts] = await Promise.all(['console.html', 'console.css', ...SCRIPTS].map(asset));
  const csp = pageCsp(options.websocketUrls);
  let wsClient: Promise<string> | undefined;

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const refusal = path.startsWith(`${CONSOLE_PATH}/api/`) ? apiRefusal(facts(request)) : pageRefusal(facts(request));
    if (refusal) return refuse(reply, refusal);
  });

  const page = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', csp).send(html);
  app.get(CONSOLE_PATH, page);
  app.get(`${CONSOLE_PATH}/`, page);
  SCRIPTS.forEach((name, i) =>
    app.get(`${CONSOLE_PATH}/${name}`, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(scripts[i])),
  );
  app.get(`${CONSOLE_PATH}/console.css`, async (_request, reply) => reply.type('text/css; charset=utf-8').send(styles));
  app.get(`${CONSOLE_PATH}/ws-client.js`, async (_request, reply) => {
    wsClient ??= options.wsClientScript();
    return reply.type('text/javascript; charset=utf-8').send(await wsClient);
  });

  app.get(`${CONSOLE_PATH}/api/config`, async () => ({
    stages: Object.entries(options.websocketUrls).map(([name, url]) => ({ name, url })),
  }));

  app.post(`${CONSOLE_PATH}/api/token`, async (request) => {
    const { userId, groups, ttlSeconds } = tokenRequest(request.body);
    const ttl = ttlSeconds ?? 3_600;
    const token = await options.mintToken(userId, { ...(groups ? { groups } : {}), ttlSeconds: ttl });
    return { userId, ...(groups ? { groups } : {}), token, expiresAt: new Date(Date.now() + ttl * 1_000).toISOString() };
  });

  // The REST API, called with the local key: `/console/api/rest/notify` is `POST /notify`, and so on.
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE'],
    url: `${REST_PREFIX}/*`,
    handler: async (request, reply) => {
      const target = request.url.slice(REST_PREFIX.length);
      if (target.startsWith(CONSOLE_PATH)) {
        return reply.status(404).send({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND', message: `no REST route ${target.split('?')[0]}` });
      }
      const hasBody = request.body !== undefined && request.body !== null;
      const answer = await app.inject({
        method: request.method as HTTPMethods,
        url: target,
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          // One request id for the console's call and the REST call it makes (logs, reports).
          'x-request-id': request.id,
          ...(hasBody ? { 'content-type': 'application/json' } : {}),
          ...(typeof request.headers['idempotency-key'] === 'string' ? { 'idempotency-key': request.headers['idempotency-key'] } : {}),
        },
        ...(hasBody ? { payload: JSON.stringify(request.body) } : {}),
      });
      const type = answer.headers['content-type'];
      if (typeof type === 'string') reply.type(type);
      const retryAfter = answer.headers['retry-after'];
      if (retryAfter !== undefined) reply.header('retry-after', retryAfter);
      return reply.status(answer.statusCode).send(answer.statusCode === 204 || request.method === 'HEAD' ? undefined : answer.body);
    },
  });
}
