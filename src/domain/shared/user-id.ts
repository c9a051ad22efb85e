import { ValidationError } from '../errors/domain.error.js';
import { MAX_USER_ID_LENGTH } from '../model/limits.js';

/**
 * What a user id is — one rule for the REST schema, the authorizer (`sub`), the connect handler and the
 * use cases:
 * - 1 to 128 characters, counted as Unicode code points (an emoji is one character);
 * - well-formed UTF-16: no lone surrogate (U+D800–U+DFFF alone);
 * - no control character (category Cc: U+0000–U+001F, U+007F–U+009F, including U+0085);
 * - no format character (category Cf: bidi overrides such as U+202E, zero-width U+200B, U+FEFF…);
 * - no line or paragraph separator (U+2028, U+2029);
 * - no non-character (U+FDD0–U+FDEF and every U+xFFFE, U+xFFFF);
 * - not only white space.
 * Letters of any script, digits, punctuation, symbols, emoji and inner spaces are allowed.
 */
export const USER_ID_RULE =
  '1–128 characters, not only spaces, without control, format or bidi characters, lone surrogates or non-characters';

const FORBIDDEN = String.raw`\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}`;

/** The rule as a regular expression source, to be used with the `u` flag (JSON Schema `pattern`, Ajv). */
export const USER_ID_PATTERN = String.raw`^(?!\p{White_Space}*$)[^${FORBIDDEN}]{1,${MAX_USER_ID_LENGTH}}$`;

const FORBIDDEN_CHARACTER = new RegExp(`[${FORBIDDEN}]`, 'u');
const ONLY_WHITE_SPACE = /^\p{White_Space}*$/u;

/** Why `value` is not a user id, or undefined when it is one. */
export function userIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > MAX_USER_ID_LENGTH * 2 || [...value].length > MAX_USER_ID_LENGTH) {
    return `must be at most ${MAX_USER_ID_LENGTH} characters`;
  }
  const bad = FORBIDDEN_CHARACTER.exec(value);
  if (bad) {
    const code = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    return `must not contain control, format or bidi characters, lone surrogates or non-characters (found U+${code})`;
  }
  if (ONLY_WHITE_SPACE.test(value)) return 'must not be only white space';
  return undefined;
}

export function isUserId(value: unknown): value is string {
  return userIdProblem(value) === undefined;
}

/** Returns the user id, or throws a `ValidationError` naming `field` and the broken rule. */
export function assertUserId(userId: unknown, field = 'userId'): string {
  const problem = userIdProblem(userId);
  if (problem) throw new ValidationError(field, problem);
  return userId as string;
}
