import { describe, expect, it } from 'vitest';
import { MessageTooLargeError, ValidationError } from '../../src/domain/errors/domain.error.js';
import { MAX_JSON_DEPTH, MAX_MESSAGE_BYTES } from '../../src/domain/model/limits.js';
import { encodeMessage, jsonDepth, OutgoingMessage } from '../../src/domain/services/outgoing-message.js';
import type { Connection } from '../../src/domain/model/connection.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('jsonDepth', () => {
  it('should count the deepest branch, whichever branch is walked last', () => {
    expect(jsonDepth([{}, [[[]]]])).toBe(4);
    expect(jsonDepth([[[[]]], {}])).toBe(4);
    expect(jsonDepth({ shallow: 1, deep: { a: { b: [] } }, last: {} })).toBe(4);
  });

  it('should give 0 for a value that is not an object or an array', () => {
    expect(jsonDepth(null)).toBe(0);
    expect(jsonDepth('text')).toBe(0);
    expect(jsonDepth(7)).toBe(0);
    expect(jsonDepth([])).toBe(1);
  });
});

describe('encodeMessage', () => {
  it('should send a string as it is and anything else as JSON', () => {
    expect(text(encodeMessage('héllo'))).toBe('héllo');
    expect(text(encodeMessage({ a: [1, 'b'] }))).toBe('{"a":[1,"b"]}');
    expect(text(encodeMessage([1, 2]))).toBe('[1,2]');
    expect(text(encodeMessage({}))).toBe('{}');
  });

  it.each([
    ['an empty string', '', 'message: must not be empty'],
    ['null', null, 'message: must be a string or a JSON object'],
    ['a number', 42, 'message: must be a string or a JSON object'],
    ['undefined', undefined, 'message: must be a string or a JSON object'],
    ['a BigInt inside an object', { n: 1n }, 'message: must be a JSON value (no cycles, no BigInt)'],
    ['an object too deep', JSON.parse(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`), `message: must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`],
  ])('should refuse %s with a ValidationError on the message field that says what is wrong', (_label, message, expected) => {
    let thrown: unknown;
    try {
      encodeMessage(message as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).field).toBe('message');
    expect((thrown as ValidationError).message).toBe(expected);
  });

  it('should count the limit in bytes once encoded, not in characters', () => {
    expect(encodeMessage('x'.repeat(MAX_MESSAGE_BYTES)).byteLength).toBe(MAX_MESSAGE_BYTES);
    const twoByteChars = 'é'.repeat(MAX_MESSAGE_BYTES / 2 + 1);
    let thrown: unknown;
    try {
      encodeMessage(twoByteChars);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MessageTooLargeError);
    expect(thrown).toMatchObject({ sizeBytes: MAX_MESSAGE_BYTES + 2, limitBytes: MAX_MESSAGE_BYTES });
  });
});

describe('OutgoingMessage', () => {
  it('should encode once and give every connection the same bytes', () => {
    const message = OutgoingMessage.of({ hello: 'world' });
    const a = { connectionId: 'a' } as Connection;
    const b = { connectionId: 'b' } as Connection;
    expect(message.byteLength).toBe(17);
    expect(text(message.bytesFor(a) as Uint8Array)).toBe('{"hello":"world"}');
    expect(message.bytesFor(b)).toBe(message.bytesFor(a));
    expect(() => OutgoingMessage.of('')).toThrow(ValidationError);
  });
});
