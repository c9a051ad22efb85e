import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors/domain.error.js';
import { IsUserOnlineUseCase } from '../../src/domain/use-cases/is-user-online.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';

describe('IsUserOnlineUseCase', () => {
  it('should say a user with a live connection is online, and one without any is not', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'a1', userId: 'alice' });
    const isOnline = new IsUserOnlineUseCase(f.connections, f.clock);
    expect(await isOnline.execute('alice')).toBe(true);
    expect(await isOnline.execute('bob')).toBe(false);
  });

  it('should say online when one connection is live beside one past its maximum duration', async () => {
    const f = domainFixture();
    await f.connect({ connectionId: 'old', userId: 'alice', connectedAt: f.clock.now() - 3 * 60 * 60 * 1000 });
    await f.connect({ connectionId: 'new', userId: 'alice' });
    expect(await new IsUserOnlineUseCase(f.connections, f.clock).execute('alice')).toBe(true);
  });

  it('should say offline when the only recorded connection has expired', async () => {
    const f = domainFixture();
    const c = await f.connect({ connectionId: 'a1', userId: 'alice' });
    f.clock.advance(c.expiresAt * 1000 - f.clock.now());
    expect(await new IsUserOnlineUseCase(f.connections, f.clock).execute('alice')).toBe(false);
  });

  it('should refuse a user id that breaks the rule with a VALIDATION_ERROR', async () => {
    const f = domainFixture();
    await expect(new IsUserOnlineUseCase(f.connections, f.clock).execute('al\u202eice')).rejects.toBeInstanceOf(ValidationError);
  });
});
