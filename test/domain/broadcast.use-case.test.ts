import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors/domain.error.js';
import { StopController } from '../../src/domain/shared/stop-signal.js';
import { parityFixture } from '../support/parity-fixture.js';

describe('BroadcastUseCase inputs', () => {
  it.each([
    ['apiId', ''],
    ['apiId', 42],
    ['stage', ''],
    ['stage', 's'.repeat(129)],
    ['stage', null],
  ])('should refuse %s %j with a VALIDATION_ERROR that says the rule, and post nothing', async (field, value) => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    const sending = f.broadcast.execute({ message: 'x', [field]: value } as never);
    await expect(sending).rejects.toBeInstanceOf(ValidationError);
    await expect(sending).rejects.toMatchObject({ field, message: `${field}: must be 1–128 characters` });
    expect(f.messenger.posts).toEqual([]);
  });

  it('should accept an API id and a stage of 128 characters', async () => {
    const f = parityFixture();
    expect(await f.broadcast.execute({ message: 'x', apiId: 'a'.repeat(128), stage: 's'.repeat(128) })).toMatchObject({ stages: [], delivered: 0 });
  });
});

describe('BroadcastUseCase audience', () => {
  it('should reach every stage of one API when only the API is named, and no other API', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'dev-1', userId: 'alice' });
    await f.connect({ connectionId: 'prod-1', userId: 'bob', stage: 'prod' });
    await f.connect({ connectionId: 'other-1', userId: 'carol', apiId: 'apib2', domainName: 'apib2.execute-api.us-east-1.amazonaws.com' });

    const report = await f.broadcast.execute({ message: 'x', apiId: 'apia1' });

    expect(report.stages.sort()).toEqual(['apia1/dev', 'apia1/prod']);
    expect(f.messenger.posts.map((p) => p.connectionId).sort()).toEqual(['dev-1', 'prod-1']);
  });

  it('should reach one stage of every API when only the stage is named', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'dev-1', userId: 'alice' });
    await f.connect({ connectionId: 'prod-1', userId: 'bob', stage: 'prod' });
    await f.connect({ connectionId: 'other-dev', userId: 'carol', apiId: 'apib2', domainName: 'apib2.execute-api.us-east-1.amazonaws.com' });

    const report = await f.broadcast.execute({ message: 'x', stage: 'dev' });

    expect(report.stages.sort()).toEqual(['apia1/dev', 'apib2/dev']);
    expect(f.messenger.posts.map((p) => p.connectionId).sort()).toEqual(['dev-1', 'other-dev']);
  });
});

describe('the finished log lines of the fan-out sends', () => {
  it('should log a finished broadcast with its stages, size and totals', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    await f.broadcast.execute({ message: 'hello', excludeConnectionIds: ['nope'] });
    expect(f.logger.lines.filter((l) => l.message === 'broadcast finished')).toEqual([
      { level: 'debug', message: 'broadcast finished', fields: { stages: ['apia1/dev'], bytes: 5, delivered: 1, gone: 0, failed: 0, excluded: 0 } },
    ]);
  });

  it('should say in the log line what stopped a broadcast', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    const shutdown = new StopController();
    shutdown.stop('SHUTDOWN');
    expect(await f.broadcast.execute({ message: 'hello' }, shutdown.signal)).toMatchObject({ stopped: 'SHUTDOWN', delivered: 0 });
    expect(f.logger.lines.find((l) => l.message === 'broadcast finished')?.fields).toEqual({
      stages: ['apia1/dev'],
      bytes: 5,
      stoppedBy: 'SHUTDOWN',
      delivered: 0,
      gone: 0,
      failed: 0,
      excluded: 0,
    });
  });

  it('should log a finished group send with its group, size and totals, and what stopped it', async () => {
    const f = parityFixture();
    await f.connect({ connectionId: 'c1', userId: 'alice' });
    await f.addUserToGroup.execute('room', 'alice');
    await f.sendToGroup.execute({ group: 'room', message: 'hey' });
    const shutdown = new StopController();
    shutdown.stop('SHUTDOWN');
    await f.sendToGroup.execute({ group: 'room', message: 'hey' }, shutdown.signal);

    expect(f.logger.lines.filter((l) => l.message === 'group send finished')).toEqual([
      { level: 'debug', message: 'group send finished', fields: { group: 'room', bytes: 3, delivered: 1, gone: 0, failed: 0, excluded: 0 } },
      { level: 'debug', message: 'group send finished', fields: { group: 'room', bytes: 3, stoppedBy: 'SHUTDOWN', delivered: 0, gone: 0, failed: 0, excluded: 0 } },
    ]);
  });
});
