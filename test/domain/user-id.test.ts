import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors/domain.error.js';
import { assertUserId, isUserId, USER_ID_PATTERN, USER_ID_RULE, userIdProblem } from '../../src/domain/shared/user-id.js';

const refused: Array<[string, string]> = [
  ['an empty string', ''],
  ['only a space', ' '],
  ['only white space of several kinds', '\u00a0\u2003 '],
  ['a NUL', 'al\u0000ice'],
  ['a tab', 'al\tice'],
  ['DEL', 'al\u007fice'],
  ['NEXT LINE (U+0085, a C1 control)', 'al\u0085ice'],
  ['a right-to-left override (U+202E)', 'al\u202eice'],
  ['a zero-width space (U+200B)', 'al\u200bice'],
  ['a byte order mark (U+FEFF)', '\ufeffalice'],
  ['a line separator (U+2028)', 'al\u2028ice'],
  ['a lone high surrogate', 'a\ud800b'],
  ['a lone low surrogate', 'a\udc00b'],
  ['a non-character U+FFFF', 'a\uffffb'],
  ['a non-character U+FDD0', 'a\ufdd0b'],
  ['a non-character U+1FFFE', 'a\u{1fffe}b'],
  ['129 characters', 'u'.repeat(129)],
  ['129 emoji', '😀'.repeat(129)],
];

const accepted: Array<[string, string]> = [
  ['a plain name', 'alice'],
  ['an email address', 'alice@example.com'],
  ['a UUID', '6f1c2a52-4f7e-4b7e-9a0e-2b7d1c7f0a11'],
  ['inner spaces', 'Alice Martin'],
  ['another script', '日本語のユーザー'],
  ['an emoji (a surrogate pair)', 'alice😀'],
  ['128 characters', 'u'.repeat(128)],
  ['128 emoji (256 UTF-16 units)', '😀'.repeat(128)],
];

describe('user id rule', () => {
  it.each(refused)('should refuse %s', (_what, value) => {
    expect(isUserId(value)).toBe(false);
    expect(new RegExp(USER_ID_PATTERN, 'u').test(value)).toBe(false);
    expect(() => assertUserId(value)).toThrow(ValidationError);
  });

  it.each(accepted)('should accept %s', (_what, value) => {
    expect(userIdProblem(value)).toBeUndefined();
    expect(isUserId(value)).toBe(true);
    expect(new RegExp(USER_ID_PATTERN, 'u').test(value)).toBe(true);
    expect(assertUserId(value)).toBe(value);
  });

  it.each([42, null, undefined, {}, ['alice']])('should refuse the non-string %o', (value) => {
    expect(isUserId(value)).toBe(false);
  });

  it('should name the field and the offending code point', () => {
    const error = (() => {
      try {
        assertUserId('al\u202eice', 'sub');
      } catch (e) {
        return e as ValidationError;
      }
      return undefined;
    })();
    expect(error?.field).toBe('sub');
    expect(error?.message).toContain('U+202E');
  });
});

describe('the user id rule as told to users', () => {
  it('should state the length and every kind of character refused', () => {
    expect(USER_ID_RULE).toBe('1–128 characters, not only spaces, without control, format or bidi characters, lone surrogates or non-characters');
  });
});
