import { describe, expect, it } from 'vitest';
import { domainFixture } from '../support/domain-fixture.js';

const home = { apiId: 'apia1', domainName: 'apia1.execute-api.us-east-1.amazonaws.com', stage: 'dev', connectionId: 'c1', userId: 'alice' };

describe('RecordConnectionUseCase inputs from the event', () => {
  it.each([[0], [-5], [Number.NaN], [Number.POSITIVE_INFINITY], ['1700000000000'], [null]])(
    "should use the clock's time when connectedAt is %o",
    async (connectedAt) => {
      const f = domainFixture();
      const stored = await f.recordConnection.execute({ ...home, connectedAt: connectedAt as number });
      expect(stored.connectedAt).toBe(f.clock.now());
    },
  );

  it('should keep a positive connectedAt from the event', async () => {
    const f = domainFixture();
    expect((await f.recordConnection.execute({ ...home, connectedAt: 1 })).connectedAt).toBe(1);
  });

  it('should keep at most 64 characters of the source IP and 512 of the user agent', async () => {
    const f = domainFixture();
    const stored = await f.recordConnection.execute({ ...home, sourceIp: 'i'.repeat(100), userAgent: 'u'.repeat(600) });
    expect(stored.sourceIp).toBe('i'.repeat(64));
    expect(stored.userAgent).toBe('u'.repeat(512));
    expect(await f.connections.findById('c1')).toMatchObject({ sourceIp: 'i'.repeat(64), userAgent: 'u'.repeat(512) });
  });

  it.each([[''], [42], [{ ip: '1.2.3.4' }]])('should store no source IP or user agent given %o', async (value) => {
    const f = domainFixture();
    const stored = await f.recordConnection.execute({ ...home, sourceIp: value as string, userAgent: value as string });
    expect('sourceIp' in stored).toBe(false);
    expect('userAgent' in stored).toBe(false);
  });
});
