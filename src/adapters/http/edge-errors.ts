import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_JSON_DEPTH } from '../../domain/model/limits.js';
import { toHttpError, type HttpErrorBody } from './http-error.mapper.js';

/**
 * Errors met before a request reaches a route (the HTTP parser, the router, the body parser) answer with the
 * same JSON shape as every other error: `{statusCode, error, code, message}`.
 */

/** A request refused at the edge; the app's error handler maps it like any other 4xx. */
export class EdgeError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EdgeError';
  }
}

export function edgeBody(statusCode: number, code: string, message: string): HttpErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
}

/** Deepest JSON body accepted: the message's own limit plus the `{userId, message}` envelope. */
export const MAX_BODY_DEPTH = MAX_JSON_DEPTH + 1;

/**
 * Nesting depth of a JSON text, counted without parsing (strings skipped), stopping as soon as it passes
 * `limit`. Parsing never recurses too deep this way, and nothing deeper than the limit reaches `JSON.parse`.
 */
export function jsonTextDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/** Refuses a JSON content type declaring a charset other than UTF-8 (the body would be misread). */
export function assertUtf8ContentType(contentType: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new EdgeError(415, 'UNSUPPORTED_MEDIA_TYPE', `charset "${charset}" is not supported; send the body as application/json in UTF-8`);
  }
}

export function assertJsonDepth(text: string): void {
  if (jsonTextDepthExceeds(text, MAX_BODY_DEPTH)) {
    throw new EdgeError(
      400,
      'JSON_TOO_DEEP',
      `body nests objects or arrays more than ${MAX_BODY_DEPTH} levels deep (a message at most ${MAX_JSON_DEPTH}); flatten the message`,
    );
  }
}

/** What the HTTP parser's errors become (Node's `clientError`), before any request object exists. */
export function clientErrorBody(error: NodeJS.ErrnoException & { reason?: string }, requestTimeoutMs: number): HttpErrorBody {
  if (/content-length/i.test(error.reason ?? '') && /transfer-encoding/i.test(error.reason ?? '')) {
    return edgeBody(400, 'MALFORMED_REQUEST', 'send either Content-Length or Transfer-Encoding: chunked, not both');
  }
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return edgeBody(408, 'REQUEST_TIMEOUT', `the request was not received in full within ${requestTimeoutMs} ms; send it again at once`);
    case 'HPE_HEADER_OVERFLOW':
      return edgeBody(431, 'HEADERS_TOO_LARGE', 'request headers are larger than 16 KB; send fewer or shorter headers');
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_STRICT':
      return edgeBody(400, 'MALFORMED_REQUEST', 'the chunked body is malformed; send a valid HTTP/1.1 body');
    default:
      return edgeBody(400, 'MALFORMED_REQUEST', 'the request is not valid HTTP/1.1; check the request line and headers');
  }
}

/** Fastify's `clientErrorHandler`: answer in the documented shape, then close the connection. */
export function createClientErrorHandler(requestTimeoutMs: number, headers: Record<string, string>) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const status = clientErrorBody(error, requestTimeoutMs);
      const body = JSON.stringify(status);
      const extra = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(
        `HTTP/1.1 ${status.statusCode} ${status.error}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}

/**
 * Fastify's `frameworkErrors`: errors of the router (a path that is not valid UTF-8, a parameter over 1,024
 * characters) come before the routes and their API key check. Without a valid key they answer 401, so that
 * nothing about routes or parameters is learnt unauthenticated; with one, the error in the documented shape.
 */
export function createFrameworkErrorHandler(allows: (authorization: string | undefined) => boolean) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    let body: HttpErrorBody;
    if (!allows(request.headers.authorization)) {
      reply.header('www-authenticate', 'Bearer');
      body = edgeBody(401, 'UNAUTHORIZED', 'send Authorization: Bearer <API key>');
    } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
      body = edgeBody(414, 'URI_TOO_LONG', 'a path parameter is over 1,024 characters; a userId is at most 128');
    } else if (error.code === 'FST_ERR_BAD_URL') {
      body = edgeBody(400, 'BAD_URL', 'the path is not valid percent-encoded UTF-8; encode it with encodeURIComponent');
    } else {
      body = toHttpError(error);
    }
    void reply.status(body.statusCode).type('application/json').send(body);
  };
}
