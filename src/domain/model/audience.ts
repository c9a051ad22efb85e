import { ValidationError } from '../errors/domain.error.js';
import { assertUserId } from '../shared/user-id.js';

/** A group name: 1–128 of `A-Z a-z 0-9 . _ : -`. */
export const GROUP_NAME_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** At most this many `userIds` in one notify, and this many `excludeConnectionIds` in one send. */
export const MAX_AUDIENCE_IDS = 100;
/** Group and broadcast reports list at most this many failures (the totals count them all). */
export const MAX_REPORTED_FAILURES = 100;

export function assertGroupName(group: unknown, field = 'group'): string {
  if (typeof group !== 'string' || !GROUP_NAME_PATTERN.test(group)) {
    throw new ValidationError(field, 'must be 1–128 characters of A-Z a-z 0-9 . _ : -');
  }
  return group;
}

export function assertUserIds(userIds: unknown, field = 'userIds'): string[] {
  if (!Array.isArray(userIds) || userIds.length === 0 || userIds.length > MAX_AUDIENCE_IDS) {
    throw new ValidationError(field, `must list 1–${MAX_AUDIENCE_IDS} user ids`);
  }
  return [...new Set(userIds.map((id) => assertUserId(id, field)))];
}

/** The connection ids a send must skip, as a set (at most 100). */
export function exclusionSet(ids: unknown, field = 'excludeConnectionIds'): ReadonlySet<string> {
  if (ids === undefined) return new Set();
  if (!Array.isArray(ids) || ids.length > MAX_AUDIENCE_IDS || ids.some((id) => typeof id !== 'string' || id.length === 0)) {
    throw new ValidationError(field, `must list at most ${MAX_AUDIENCE_IDS} connection ids`);
  }
  return new Set(ids as string[]);
}
