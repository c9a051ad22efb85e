import aws4 from 'aws4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SigV4Signer, type SignableRequest } from '../../src/adapters/api-gateway/sigv4.signer.js';

const credentials = { accessKeyId: 'AKIDSIGNERTEST', secretAccessKey: 'signer-test-secret' };
const instant = Date.UTC(2026, 10, 26, 13, 45, 7, 123);

/** aws4's signature of the same request: the reference the signer must match byte for byte. */
function aws4Authorization(request: { method: string; host: string; path: string; headers: Record<string, string>; body?: Uint8Array }, keys: typeof credentials & { sessionToken?: string }, region: string): string {
  const headers: Record<string, string> = { ...request.headers, host: request.host, 'x-amz-date': '20261126T134507Z' };
  if (keys.sessionToken) headers['x-amz-security-token'] = keys.sessionToken;
  const signed = aws4.sign(
    { method: request.method, host: request.host, path: request.path, headers, body: request.body ? Buffer.from(request.body) : undefined, service: 'execute-api', region },
    keys,
  );
  return String((signed.headers as Record<string, unknown>).Authorization);
}

describe('SigV4Signer', () => {
  it('should sign a PostToConnection exactly as aws4 does, with and without a session token', () => {
    const body = new TextEncoder().encode('{"hello":"world"}');
    const request = {
      method: 'POST',
      host: 'abc123.execute-api.eu-west-1.amazonaws.com',
      path: '/prod/@connections/L0S%2FM9c%2BOFv%3D',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) },
      body,
    };
    for (const keys of [credentials, { ...credentials, sessionToken: 'FwoGZXIvYXdzEJr//session+token=' }]) {
      const headers = new SigV4Signer().sign(request, keys, 'eu-west-1', instant);
      expect(headers.authorization).toBe(aws4Authorization(request, keys, 'eu-west-1'));
      expect(headers['x-amz-date']).toBe('20261126T134507Z');
      expect(headers.host).toBe(request.host);
    }
  });

  it('should sign the same message buffer for many connections and regions as if each were signed alone', () => {
    const signer = new SigV4Signer();
    const body = new TextEncoder().encode('shared message');
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) };
    for (const [id, region] of [['a=', 'eu-west-1'], ['b/+', 'us-east-1'], ['a=', 'us-east-1']] as const) {
      const request = { method: 'POST', host: 'h.example', path: `/dev/@connections/${encodeURIComponent(id)}`, headers, body };
      expect(signer.sign(request, credentials, region, instant).authorization).toBe(new SigV4Signer().sign(request, credentials, region, instant).authorization);
      expect(signer.sign(request, credentials, region, instant).authorization).toBe(aws4Authorization(request, credentials, region));
    }
  });

  it('should sign any path, header value and body as aws4 does (property)', () => {
    const segment = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('.', '..', '', '@connections', "a!'()*b"));
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        fc.constantFrom('POST', 'GET', 'DELETE'),
        fc.string({ maxLength: 20 }).filter((v) => !/[\r\n\0]/.test(v)),
        fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2'),
        (segments, method, value, body, region) => {
          const path = `/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
          const headers: Record<string, string> = { 'x-custom': value, 'content-type': 'application/octet-stream' };
          if (body) headers['content-length'] = String(body.byteLength);
          const request = { method, host: '127.0.0.1:3001', path, headers, ...(body ? { body } : {}) };
          expect(new SigV4Signer().sign(request, credentials, region, instant).authorization).toBe(aws4Authorization(request, credentials, region));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should refuse a path with a query string, which it does not canonicalise, and say so', () => {
    const sign = () => new SigV4Signer().sign({ method: 'GET', host: 'h', path: '/a?b=1', headers: {} }, credentials, 'eu-west-1', instant);
    expect(sign).toThrow(RangeError);
    expect(sign).toThrow('SigV4Signer signs paths without a query string');
  });

  it('should leave out of the signature the headers a proxy may change or add, as aws4 does', () => {
    const unsigned = ['authorization', 'connection', 'x-amzn-trace-id', 'user-agent', 'expect', 'presigned-expires', 'range'];
    for (const name of unsigned) {
      const request = { method: 'GET', host: 'h.example', path: '/dev/@connections/abc%3D', headers: { [name]: 'any value', 'x-kept': 'yes' } };
      const authorization = new SigV4Signer().sign(request, credentials, 'eu-west-1', instant).authorization;
      expect(authorization).toContain('SignedHeaders=host;x-amz-date;x-kept,');
      // aws4 drops an `authorization` header it is given in favour of its own: compare the others only.
      if (name !== 'authorization') expect(authorization).toBe(aws4Authorization(request, credentials, 'eu-west-1'));
    }
  });

  it('should sign header values trimmed, with each inner run of white space as one space, as aws4 does', () => {
    for (const value of ['a  b', ' a', 'a ', 'a\tb', '  a \t b  ', 'a b c', 'a', '']) {
      const request = { method: 'GET', host: 'h.example', path: '/dev/@connections/abc', headers: { 'x-custom': value } };
      const signed = new SigV4Signer().sign(request, credentials, 'eu-west-1', instant);
      expect(signed.authorization, JSON.stringify(value)).toBe(aws4Authorization(request, credentials, 'eu-west-1'));
      expect(signed['x-custom'], 'the header is sent as given').toBe(value);
    }
  });

  it('should date each signature with its own second, the first second after the epoch included', () => {
    const signer = new SigV4Signer();
    const request = { method: 'GET', host: 'h.example', path: '/dev/@connections/abc', headers: {} };
    expect(signer.sign(request, credentials, 'eu-west-1', 1_000)['x-amz-date']).toBe('19700101T000001Z');
    expect(signer.sign(request, credentials, 'eu-west-1', instant)['x-amz-date']).toBe('20261126T134507Z');
    expect(signer.sign(request, credentials, 'eu-west-1', instant + 1_000)['x-amz-date']).toBe('20261126T134508Z');
  });

  it('should hash no body and an empty body as the empty payload, before and after a message buffer', () => {
    const signer = new SigV4Signer();
    const message = new TextEncoder().encode('a message');
    const requests = [undefined, message, undefined, new Uint8Array(0), message].map((body): SignableRequest => ({
      method: body ? 'POST' : 'GET',
      host: 'h.example',
      path: '/dev/@connections/abc',
      headers: body ? { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) } : {},
      ...(body ? { body } : {}),
    }));
    for (const request of requests) expect(signer.sign(request, credentials, 'eu-west-1', instant).authorization).toBe(aws4Authorization(request, credentials, 'eu-west-1'));
  });
});
