import aws4 from 'aws4';

/** AWS credentials as the signer needs them; `expiration` is set for temporary ones. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** A request to sign: `path` is sent as-is (already percent-encoded), `headers` are lower-case. */
export interface SignableRequest {
  method: string;
  /** `host[:port]` exactly as sent in the Host header. */
  host: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

const SERVICE = 'execute-api';

/**
 * SigV4 for the `execute-api` service with `aws4` (synchronous, `node:crypto` hashing, signing keys cached per
 * secret, day, region and service). Chosen over `@smithy/signature-v4` because it signs a PostToConnection
 * about twice as fast on the same machine (see `bench/signing.bench.ts`). Paths are encoded once more for
 * the canonical request, as for every service but S3, so connection ids with `=`, `/` and `+` verify.
 */
export class SigV4Signer {
  private lastSecond = -1;
  private lastAmzDate = '';

  /**
   * Returns the headers to send: the request's own plus `x-amz-date`, `authorization` (and the session token).
   * A request with a body must carry its `content-type` and `content-length`, or aws4 would add its own.
   */
  sign(request: SignableRequest, credentials: AwsCredentials, region: string, nowMs: number): Record<string, string> {
    const headers: Record<string, string> = { ...request.headers, host: request.host, 'x-amz-date': this.amzDate(nowMs) };
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const signed = aws4.sign(
      {
        method: request.method,
        host: request.host,
        path: request.path,
        headers,
        // aws4 hashes the body with node:crypto; an absent body hashes as the empty string.
        body: request.body ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength) : undefined,
        service: SERVICE,
        region,
      },
      credentials,
    );
    // aws4 signs a copy of the headers and names the result `Authorization`.
    headers.authorization = String((signed.headers as Record<string, unknown>).Authorization);
    return headers;
  }

  /** `20261126T133000Z`, computed once per second. */
  private amzDate(nowMs: number): string {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.lastSecond) {
      this.lastSecond = second;
      this.lastAmzDate = new Date(second * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '');
    }
    return this.lastAmzDate;
  }
}
