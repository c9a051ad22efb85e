import { describe, expect, it } from 'vitest';
import { MessageTooLargeError, ValidationError } from '../../src/domain/errors/domain.error.js';
import { MAX_JSON_DEPTH } from '../../src/domain/model/limits.js';
import { encodeMessage, jsonDepth } from '../../src/domain/use-cases/notify-user.use-case.js';

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = {};
  for (let i = 1; i < depth; i += 1) value = { a: value };
  return value;
}

describe('encodeMessage', () => {
  it('should measure nesting without recursion', () => {
    expect(jsonDepth({})).toBe(1);
    expect(jsonDepth({ a: [1, { b: 2 }] })).toBe(3);
    expect(jsonDepth(nested(MAX_JSON_DEPTH))).toBe(MAX_JSON_DEPTH);
  });

  it(`should encode an object nested ${MAX_JSON_DEPTH} levels deep`, () => {
    expect(encodeMessage(nested(MAX_JSON_DEPTH)).byteLength).toBeGreaterThan(0);
  });

  it.each([MAX_JSON_DEPTH + 1, 4_100, 200_000])('should refuse an object nested %i levels deep with a ValidationError, not a RangeError', (depth) => {
    expect(() => encodeMessage(nested(depth))).toThrow(ValidationError);
    expect(() => encodeMessage(nested(depth))).toThrow(/levels deep/);
  });

  it('should refuse a value JSON cannot encode with a ValidationError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = { back: cyclic };
    expect(() => encodeMessage(cyclic)).toThrow(ValidationError);
    expect(() => encodeMessage({ big: 1n } as unknown as Record<string, unknown>)).toThrow(ValidationError);
  });

  it('should still refuse a message over 131,072 bytes as too large', () => {
    expect(() => encodeMessage('x'.repeat(131_073))).toThrow(MessageTooLargeError);
  });
});
