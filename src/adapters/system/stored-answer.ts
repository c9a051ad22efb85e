import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * The largest stored form of an answer (gzip) kept with an idempotency key. A DynamoDB item holds at most
 * 400 KB, its key and other attributes included; this leaves them room.
 */
export const MAX_STORED_ANSWER_BYTES = 350_000;

/** The answer as stored (gzip), or undefined when even compressed it is over MAX_STORED_ANSWER_BYTES. */
export function packAnswer(response: string): Uint8Array | undefined {
  const packed = gzipSync(Buffer.from(response, 'utf8'));
  return packed.byteLength <= MAX_STORED_ANSWER_BYTES ? new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength) : undefined;
}

export function unpackAnswer(packed: Uint8Array): string {
  return gunzipSync(packed).toString('utf8');
}
