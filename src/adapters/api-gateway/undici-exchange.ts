import type { Dispatcher } from 'undici';

/** An HTTP answer, read in full: the status, the headers (lower-case names) and, when kept, the body as text. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ExchangeOptions {
  /** Whether the body of an answer with this status is wanted (else it is read and dropped). */
  keepBody: (status: number) => boolean;
  /** At most this many characters of a kept body are returned; at most four bytes each are held meanwhile. */
  maxBodyChars: number;
}

const NO_HEADERS = Object.freeze({}) as HttpAnswer['headers'];

/**
 * The undici dispatch handler of one exchange. undici's `request()` wraps every answer in an async resource,
 * a readable stream and a parsed header object; a management API answer is a status, two headers that matter
 * only when it failed and a short body that matters only when it failed or was a GET, so this handler keeps
 * just those. Dropped bodies are still read to their end, so the connection goes back to the pool.
 */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private rawHeaders: Buffer[] | string[] | null = null;
  private chunks: Buffer[] | null = null;
  private held = 0;

  constructor(
    private readonly options: ExchangeOptions,
    private readonly resolve: (answer: HttpAnswer) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onConnect(): void {}

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[]): boolean {
    if (statusCode < 200) return true; // 1xx: the real answer follows
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    if (this.options.keepBody(statusCode)) this.chunks = [];
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.chunks && this.held < this.options.maxBodyChars * 4) {
      this.chunks.push(chunk);
      this.held += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    const ok = this.status >= 200 && this.status < 300;
    const body = this.chunks ? Buffer.concat(this.chunks).toString('utf8').slice(0, this.options.maxBodyChars) : '';
    // A success's headers are never read: they are parsed only for an error (x-amzn-ErrorType, Retry-After).
    this.resolve({ status: this.status, headers: ok ? NO_HEADERS : parseRawHeaders(this.rawHeaders), body });
  }

  onError(error: Error): void {
    this.reject(error);
  }
}

/** Sends one request through `dispatcher` and resolves with its answer; rejects on a network error or timeout. */
export function exchange(dispatcher: Dispatcher, request: Dispatcher.DispatchOptions, options: ExchangeOptions): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    dispatcher.dispatch(request, new ExchangeHandler(options, resolve, reject));
  });
}

/** `[name, value, name, value…]` → `{ name: value }`, names lower-cased, repeated names as arrays. */
export function parseRawHeaders(raw: Buffer[] | string[] | null): HttpAnswer['headers'] {
  const headers: Record<string, string | string[]> = {};
  if (!raw) return headers;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = text(raw[i]!).toLowerCase();
    const value = text(raw[i + 1]!);
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else headers[name] = [previous, value];
  }
  return headers;
}

function text(item: Buffer | string): string {
  return typeof item === 'string' ? item : item.toString('latin1');
}
