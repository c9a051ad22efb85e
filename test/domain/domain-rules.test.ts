import { describe, expect, it } from 'vitest';
import type {
  DomainError} from '../../src/domain/errors/domain.error.js';
import {
  InvalidEndpointError,
  MessageTooLargeError,
  StorageUnavailableError,
  ValidationError,
} from '../../src/domain/errors/domain.error.js';
import { AWS_REGION_PATTERN } from '../../src/domain/model/management-endpoint.js';
import { assertUserId } from '../../src/domain/shared/user-id.js';
import { AuthorizeConnectionUseCase } from '../../src/domain/use-cases/authorize-connection.use-case.js';
import { CheckReadinessUseCase } from '../../src/domain/use-cases/check-readiness.use-case.js';
import { RemoveConnectionUseCase } from '../../src/domain/use-cases/remove-connection.use-case.js';
import type { ConnectionRepository } from '../../src/ports/connection.repository.js';
import { domainFixture } from '../support/domain-fixture.js';

/** A repository that records which of its methods were called, and can be told to fail `ping`. */
function recordingRepository(pingError?: Error) {
  const calls: string[] = [];
  const repository: ConnectionRepository = {
    save: async () => void calls.push('save'),
    findByUser: async () => (calls.push('findByUser'), []),
    findById: async () => (calls.push('findById'), undefined),
    remove: async () => (calls.push('remove'), undefined),
    stageShards: 1,
    pageByStage: async () => (calls.push('pageByStage'), { items: [] }),
    ping: async () => {
      calls.push('ping');
      if (pingError) throw pingError;
    },
  };
  return { calls, repository };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('domain errors', () => {
  it('should give each error a stable code and its class name', () => {
    const errors: Array<[DomainError, string, string]> = [
      [new ValidationError('userId', 'x'), 'VALIDATION_ERROR', 'ValidationError'],
      [new MessageTooLargeError(2, 1), 'MESSAGE_TOO_LARGE', 'MessageTooLargeError'],
      [new InvalidEndpointError('x'), 'INVALID_ENDPOINT', 'InvalidEndpointError'],
      [new StorageUnavailableError('x'), 'STORAGE_UNAVAILABLE', 'StorageUnavailableError'],
    ];
    for (const [error, code, name] of errors) {
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('should keep the cause of a storage error', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new StorageUnavailableError('storage down', { cause }).cause).toBe(cause);
  });
});

describe('assertUserId', () => {
  it('should return a valid user id unchanged, up to 128 characters', () => {
    expect(assertUserId('alice')).toBe('alice');
    expect(assertUserId('u'.repeat(128))).toBe('u'.repeat(128));
  });

  it.each([[''], [undefined], [42], [null]])('should refuse %o as not a non-empty string', (userId) => {
    const error = caught(() => assertUserId(userId)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.field).toBe('userId');
    expect(error.message).toBe('userId: must be a non-empty string');
  });

  it('should refuse 129 characters, saying the limit', () => {
    expect(() => assertUserId('u'.repeat(129))).toThrow('userId: must be at most 128 characters');
  });

  it.each(['al\u0000ice', 'al\u001fice', 'al\u007fice', 'alice\n'])('should refuse the control character in %j', (userId) => {
    expect(() => assertUserId(userId)).toThrow(/^userId: must not contain control, format or bidi characters.*\(found U\+00[017][0-9A-F]\)$/);
  });

  it('should name the field it was asked to check', () => {
    expect((caught(() => assertUserId('', 'sub')) as ValidationError).field).toBe('sub');
  });
});

describe('AWS_REGION_PATTERN', () => {
  it('should take a region with a two-digit number', () => {
    expect(AWS_REGION_PATTERN.test('us-east-10')).toBe(true);
  });
});

describe('AuthorizeConnectionUseCase subject rule', () => {
  const subjectOf = (subject: string) =>
    new AuthorizeConnectionUseCase({ verify: async () => ({ valid: true, subject }) }).execute('token');

  it('should refuse an empty subject and one over 128 characters, saying the rule', async () => {
    expect(await subjectOf('')).toEqual({ allowed: false, reason: 'sub must be a non-empty string' });
    expect(await subjectOf('a'.repeat(129))).toEqual({ allowed: false, reason: 'sub must be at most 128 characters' });
  });

  it('should allow a subject of exactly 128 characters', async () => {
    expect(await subjectOf('a'.repeat(128))).toEqual({ allowed: true, userId: 'a'.repeat(128) });
  });
});

describe('RecordConnectionUseCase connection id rule', () => {
  const home = { apiId: 'apia1', domainName: 'apia1.execute-api.us-east-1.amazonaws.com', stage: 'dev', userId: 'alice' };

  it.each([[''], ['a b'], ['é'], ['x'.repeat(257)], [42]])('should refuse the connection id %o and store nothing', async (connectionId) => {
    const f = domainFixture();
    const error = await f.recordConnection.execute({ ...home, connectionId: connectionId as string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'connectionId', message: 'connectionId: must be 1–256 printable characters' });
    expect(await f.connections.findByUser('alice')).toEqual([]);
    expect(await f.registry.list()).toEqual([]);
  });

  it('should accept 256 printable characters', async () => {
    const f = domainFixture();
    const connectionId = '!~'.repeat(128);
    expect((await f.recordConnection.execute({ ...home, connectionId })).connectionId).toBe(connectionId);
  });
});

describe('RemoveConnectionUseCase input', () => {
  it.each([[''], [undefined], [null], [7]])('should not touch storage for the connection id %o', async (connectionId) => {
    const { calls, repository } = recordingRepository();
    expect(await new RemoveConnectionUseCase(repository).execute(connectionId as string)).toEqual({ removed: false });
    expect(calls).toEqual([]);
  });

  it('should ask storage to remove a real id and report nothing removed when it had none', async () => {
    const { calls, repository } = recordingRepository();
    expect(await new RemoveConnectionUseCase(repository).execute('c1')).toEqual({ removed: false });
    expect(calls).toEqual(['remove']);
  });
});

describe('CheckReadinessUseCase', () => {
  it('should be ready when storage answers its ping', async () => {
    const { calls, repository } = recordingRepository();
    await expect(new CheckReadinessUseCase(repository).execute()).resolves.toBeUndefined();
    expect(calls).toEqual(['ping']);
  });

  it('should pass on the error of a storage that does not answer', async () => {
    const down = new StorageUnavailableError('no answer');
    const { repository } = recordingRepository(down);
    await expect(new CheckReadinessUseCase(repository).execute()).rejects.toBe(down);
  });
});
