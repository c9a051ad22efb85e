import http from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface SignedRequestOptions {
  port: number;
  method: string;
  /** The path as signed. */
  path: string;
  /** The path as sent on the wire; defaults to `path`. */
  sentPath?: string;
  body?: string;
  /** The body as sent; defaults to `body`. */
  sentBody?: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** false imitates a client that does not URI-encode the path a second time. */
  uriEscapePath?: boolean;
  /** false sends the request without any Authorization header. */
  sign?: boolean;
}

/** A request signed by hand with the SigV4 signer, sent with node:http so the raw path is exactly ours. */
export async function signedRequest(options: SignedRequestOptions): Promise<RawResponse> {
  const host = `127.0.0.1:${options.port}`;
  let headers: Record<string, string> = { host, 'content-type': 'application/octet-stream' };
  if (options.sign !== false) {
    const signer = new SignatureV4({
      service: 'execute-api',
      region: options.region,
      credentials: options.credentials,
      sha256: Sha256,
      uriEscapePath: options.uriEscapePath ?? true,
    });
    const signed = await signer.sign({
      method: options.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: options.port,
      path: options.path,
      query: {},
      headers,
      body: options.body,
    });
    headers = signed.headers;
  }
  const body = options.sentBody ?? options.body;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: options.port, method: options.method, path: options.sentPath ?? options.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
