import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors/domain.error.js';
import { assertGroupName, assertUserIds, exclusionSet, MAX_AUDIENCE_IDS, MAX_REPORTED_FAILURES } from '../../src/domain/model/audience.js';
import { FanOutTally } from '../../src/domain/model/fan-out-report.js';

const ids = (n: number, prefix = 'id') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

/** The ValidationError `run` throws: its field and message. */
function refusal(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return { field: (error as ValidationError).field, message: (error as ValidationError).message };
  }
  throw new Error('nothing was refused');
}

describe('audience rules', () => {
  it('should accept group names of 1 to 128 allowed characters and refuse the rest, saying which are allowed', () => {
    expect(assertGroupName('a')).toBe('a');
    expect(assertGroupName('room:42.b_c-D')).toBe('room:42.b_c-D');
    expect(assertGroupName('g'.repeat(128))).toBe('g'.repeat(128));
    for (const bad of ['', 'g'.repeat(129), 'a b', 'a/b', 'é', 'x\n', 42]) {
      expect(refusal(() => assertGroupName(bad))).toEqual({ field: 'group', message: 'group: must be 1–128 characters of A-Z a-z 0-9 . _ : -' });
    }
    expect(refusal(() => assertGroupName('a b', 'params.group')).field).toBe('params.group');
  });

  it('should take 1 to 100 user ids, each once, and name the field it refuses', () => {
    expect(assertUserIds(['bob', 'alice', 'bob'])).toEqual(['bob', 'alice']);
    expect(assertUserIds(ids(MAX_AUDIENCE_IDS))).toHaveLength(MAX_AUDIENCE_IDS);
    for (const bad of [[], ids(MAX_AUDIENCE_IDS + 1), 'alice', undefined]) {
      expect(refusal(() => assertUserIds(bad))).toEqual({ field: 'userIds', message: 'userIds: must list 1–100 user ids' });
    }
    expect(refusal(() => assertUserIds(['alice', ' ']))).toMatchObject({ field: 'userIds' });
  });

  it('should make a set of at most 100 connection ids to exclude, and refuse anything else', () => {
    expect(exclusionSet(undefined)).toEqual(new Set());
    expect(exclusionSet(['a', 'b', 'a'])).toEqual(new Set(['a', 'b']));
    expect(exclusionSet(ids(MAX_AUDIENCE_IDS)).size).toBe(MAX_AUDIENCE_IDS);
    for (const bad of [ids(MAX_AUDIENCE_IDS + 1), ['a', ''], ['a', 7], 'a', null]) {
      expect(refusal(() => exclusionSet(bad))).toEqual({ field: 'excludeConnectionIds', message: 'excludeConnectionIds: must list at most 100 connection ids' });
    }
  });
});

describe('FanOutTally', () => {
  it('should count every outcome but list only the first 100 failures, saying when there were more', () => {
    const exactly = new FanOutTally();
    for (const id of ids(MAX_REPORTED_FAILURES)) exactly.add({ connectionId: id, status: 'failed', error: { code: 'THROTTLED', message: 'throttled after 3 attempts' } });
    expect(exactly.toReport()).toMatchObject({ failed: 100, failuresTruncated: false });
    expect(exactly.toReport().failures).toHaveLength(100);

    exactly.add({ connectionId: 'one-more', status: 'failed' });
    exactly.add({ connectionId: 'ok', status: 'delivered' });
    exactly.add({ connectionId: 'closed', status: 'gone' });
    exactly.exclude();
    const report = exactly.toReport();
    expect(report).toMatchObject({ delivered: 1, gone: 1, failed: 101, excluded: 1, failuresTruncated: true });
    expect(report.failures).toHaveLength(100);
    expect(report.failures[0]).toEqual({ connectionId: 'id-0', code: 'THROTTLED', message: 'throttled after 3 attempts' });
  });

  it('should list a failure without an error as an upstream error', () => {
    const tally = new FanOutTally();
    tally.add({ connectionId: 'c1', status: 'failed' });
    expect(tally.toReport().failures).toEqual([{ connectionId: 'c1', code: 'UPSTREAM_ERROR', message: 'failed' }]);
  });

  it('should hand out a copy: a report taken earlier does not change with later outcomes', () => {
    const tally = new FanOutTally();
    tally.add({ connectionId: 'c1', status: 'failed' });
    const before = tally.toReport();
    tally.add({ connectionId: 'c2', status: 'failed' });
    expect(before.failures).toHaveLength(1);
    expect(before.failed).toBe(1);
  });
});
