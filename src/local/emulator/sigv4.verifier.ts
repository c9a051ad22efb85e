import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { forbidden, type AwsErrorReply } from './http-replies.js';
import { tryDecode } from './uri.js';

/** A request exactly as it reached the emulator: the path is still percent-encoded. */
export interface ReceivedRequest {
  method: string;
  rawPath: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export type SigV4Verdict = { ok: true } | { ok: false; reply: AwsErrorReply };

const SERVICE = 'execute-api';
const MAX_SKEW_MS = 5 * 60_000;
const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)\s*$/;

const invalidSignature = (message: string): SigV4Verdict => ({
  ok: false,
  reply: { status: 403, errorType: 'InvalidSignatureException', message },
});

/**
 * Verifies SigV4 the way API Gateway does: recomputes the signature from the request as received — method,
 * raw path URI-encoded once more (the rule for every service but S3), query, the signed headers, the hash of
 * the body — and compares. A client that encodes `=`, `/` or `+` of a connection id differently fails here.
 */
export class SigV4Verifier {
  private readonly signer: SignatureV4;

  constructor(
    private readonly region: string,
    private readonly credentials: { accessKeyId: string; secretAccessKey: string },
    private readonly now: () => number = Date.now,
  ) {
    // applyChecksum off: the signer must not add an x-amz-content-sha256 header the client did not sign.
    this.signer = new SignatureV4({ service: SERVICE, region, credentials, sha256: Sha256, applyChecksum: false });
  }

  async verify(request: ReceivedRequest): Promise<SigV4Verdict> {
    const authorization = request.headers.authorization;
    if (!authorization) return { ok: false, reply: forbidden('Missing Authentication Token') };
    const parsed = AUTH_RE.exec(authorization);
    if (!parsed) {
      return {
        ok: false,
        reply: { status: 403, errorType: 'IncompleteSignatureException', message: 'Invalid Authorization header' },
      };
    }
    const [, credential, signedHeaderList, signature] = parsed as unknown as [string, string, string, string];

    const [accessKeyId, scopeDate, scopeRegion, scopeService, terminator] = credential.split('/');
    if (accessKeyId !== this.credentials.accessKeyId) {
      return {
        ok: false,
        reply: {
          status: 403,
          errorType: 'UnrecognizedClientException',
          message: 'The security token included in the request is invalid.',
        },
      };
    }
    if (scopeRegion !== this.region) {
      return invalidSignature(`Credential should be scoped to a valid region, not '${scopeRegion ?? ''}'.`);
    }
    if (scopeService !== SERVICE || terminator !== 'aws4_request') {
      return invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'.`);
    }

    const amzDate = single(request.headers['x-amz-date']);
    const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
    if (!amzDate || !signingDate) return invalidSignature('Missing or malformed X-Amz-Date header.');
    if (amzDate.slice(0, 8) !== scopeDate) {
      return invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate ?? ''}' != '${amzDate.slice(0, 8)}'`);
    }
    if (Math.abs(this.now() - signingDate.getTime()) > MAX_SKEW_MS) {
      return invalidSignature(`Signature expired: ${amzDate} is now earlier or later than the server time by more than 5 minutes.`);
    }

    const signedHeaders = signedHeaderList.split(';');
    if (!signedHeaders.includes('host')) return invalidSignature("'Host' must be a signed header.");
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = request.headers[name];
      if (value === undefined) return invalidSignature(`Signed header '${name}' is missing from the request.`);
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    const declaredHash = headers['x-amz-content-sha256'];
    if (declaredHash !== undefined && declaredHash !== bodyHash) {
      return invalidSignature('The provided x-amz-content-sha256 header does not match what was computed.');
    }

    const expected = await this.signer.sign(
      {
        method: request.method,
        protocol: 'http:',
        hostname: headers.host ?? '',
        path: request.rawPath,
        query: parseQuery(request.rawQuery),
        headers,
        body: request.body,
      },
      { signingDate, signableHeaders: new Set(signedHeaders) },
    );
    const expectedAuth = AUTH_RE.exec(String(expected.headers.authorization ?? ''));
    const sameHeaders = expectedAuth?.[2] === [...signedHeaders].sort().join(';');
    if (!expectedAuth || !sameHeaders || !sameHex(expectedAuth[3] ?? '', signature)) {
      return invalidSignature(
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return { ok: true };
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `20261125T211942Z` → Date. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** Decodes the query as received; the signer encodes it again for the canonical form. */
function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = tryDecode(rawKey) ?? rawKey;
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const value = tryDecode(rawValue) ?? rawValue;
    const existing = query[key];
    query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}


function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
