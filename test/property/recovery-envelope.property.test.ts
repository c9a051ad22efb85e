import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageTooLargeError } from '../../src/domain/errors/domain.error.js';
import { MAX_MESSAGE_BYTES } from '../../src/domain/model/limits.js';
import { assertEnvelopeFits, encodeEnvelope, MAX_SEQ } from '../../src/domain/model/recovery.js';
import { OutgoingMessage } from '../../src/domain/services/outgoing-message.js';

/** Bounded runs keep `npm test` quick. */
const RUNS = { numRuns: 300 };
const decoder = new TextDecoder();

describe('the {seq, data} envelope, for any message', () => {
  it('should give back the very message the REST API took, as `data`, with its seq', () => {
    const message = fc.oneof(
      fc.string({ minLength: 1, unit: 'binary' }),
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })),
      fc.array(fc.jsonValue({ maxDepth: 4 })),
    );
    fc.assert(
      fc.property(message, fc.integer({ min: 1, max: MAX_SEQ }), (value, seq) => {
        const outgoing = OutgoingMessage.of(value as string | Record<string, unknown> | unknown[]);
        const envelope = JSON.parse(decoder.decode(encodeEnvelope(seq, outgoing.data, outgoing.json))) as { seq: number; data: unknown };
        expect(envelope.seq).toBe(seq);
        // What a plain socket receives, parsed the same way a v1 client reads `data`.
        expect(envelope.data).toEqual(outgoing.json ? JSON.parse(decoder.decode(outgoing.data)) : value);
      }),
      RUNS,
    );
  });

  it('should accept before numbering exactly the messages whose envelope fits at any seq', () => {
    // Near the limit: strings a few bytes either side of it once wrapped, with characters JSON escapes.
    const nearLimit = fc
      .tuple(fc.integer({ min: MAX_MESSAGE_BYTES - 80, max: MAX_MESSAGE_BYTES - 20 }), fc.constantFrom('x', '"', '\n', 'é'), fc.nat(5))
      .map(([size, special, count]) => special.repeat(count) + 'x'.repeat(Math.max(1, size - count * 2)));
    fc.assert(
      fc.property(nearLimit, (text) => {
        const outgoing = OutgoingMessage.of(text);
        let fits = true;
        try {
          assertEnvelopeFits(outgoing.data, outgoing.json);
        } catch (error) {
          expect(error).toBeInstanceOf(MessageTooLargeError);
          fits = false;
        }
        if (fits) expect(encodeEnvelope(MAX_SEQ, outgoing.data, outgoing.json).byteLength).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        else expect(() => encodeEnvelope(MAX_SEQ, outgoing.data, outgoing.json)).toThrow(MessageTooLargeError);
      }),
      { numRuns: 60 },
    );
  });
});
