import WebSocket from 'ws';

/** A real `ws` client that queues what it receives, so tests can await messages in order. */
export interface TestSocket {
  readonly ws: WebSocket;
  /** Next message (text as string, binary as Buffer), waiting up to `timeoutMs`. */
  nextMessage(timeoutMs?: number): Promise<string | Buffer>;
  /** Resolves with the close code and reason seen by the client. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
}

export interface OpenOptions {
  token?: string;
  headers?: Record<string, string>;
  protocols?: string[];
}

export function socketUrl(base: string, token?: string): string {
  if (token === undefined) return base;
  const url = new URL(base);
  url.searchParams.set('token', token);
  return url.toString();
}

/** Opens a socket; rejects with `HandshakeRefused` (carrying the HTTP status) when the server answers non-101. */
export function openSocket(url: string, options: OpenOptions = {}): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(socketUrl(url, options.token), options.protocols ?? [], { headers: options.headers });
    const queue: Array<string | Buffer> = [];
    const waiters: Array<(m: string | Buffer) => void> = [];
    let closeInfo: { code: number; reason: string } | undefined;
    const closeWaiters: Array<(c: { code: number; reason: string }) => void> = [];

    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      const message = isBinary ? buf : buf.toString('utf8');
      const waiter = waiters.shift();
      if (waiter) waiter(message);
      else queue.push(message);
    });
    ws.on('close', (code, reason) => {
      closeInfo = { code, reason: reason.toString('utf8') };
      for (const w of closeWaiters.splice(0)) w(closeInfo);
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        reject(new HandshakeRefused(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), res.headers));
        ws.terminate();
      });
    });
    ws.on('error', (err) => reject(err));
    ws.on('open', () =>
      resolve({
        ws,
        nextMessage: (timeoutMs = 5_000) =>
          queue.length > 0
            ? Promise.resolve(queue.shift() as string | Buffer)
            : withTimeout(new Promise((r) => waiters.push(r)), timeoutMs, 'message'),
        closed: (timeoutMs = 5_000) =>
          closeInfo ? Promise.resolve(closeInfo) : withTimeout(new Promise((r) => closeWaiters.push(r)), timeoutMs, 'close'),
      }),
    );
  });
}

export class HandshakeRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string | string[] | undefined>,
  ) {
    super(`handshake refused with ${status}`);
  }
}

/** The status a refused handshake answered; fails the test if the socket opened. */
export async function handshakeStatus(url: string, options: OpenOptions = {}): Promise<number> {
  try {
    const socket = await openSocket(url, options);
    socket.ws.terminate();
  } catch (err) {
    if (err instanceof HandshakeRefused) return err.status;
    throw err;
  }
  throw new Error('the handshake was accepted');
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
