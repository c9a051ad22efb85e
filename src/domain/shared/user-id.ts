import { ValidationError } from '../errors/domain.error.js';
import { MAX_USER_ID_LENGTH } from '../model/limits.js';

/** A user id is 1–128 characters without control characters. */
export function assertUserId(userId: unknown, field = 'userId'): string {
  if (typeof userId !== 'string' || userId.length === 0) throw new ValidationError(field, 'must be a non-empty string');
  if (userId.length > MAX_USER_ID_LENGTH) {
    throw new ValidationError(field, `must be at most ${MAX_USER_ID_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(userId)) throw new ValidationError(field, 'must not contain control characters');
  return userId;
}
