import { describe, expect, it } from 'vitest';
import { InfraConfigError, PLACEHOLDER_JWT, readSocketpostConfig, type ContextKey } from '../../infra/config.js';

const JWT = {
  jwtJwksUrl: 'https://auth.example.com/.well-known/jwks.json',
  jwtIssuer: 'https://auth.example.com/',
  jwtAudience: 'socketpost',
};

function read(context: Partial<Record<ContextKey, unknown>>, defaultRegion?: string) {
  return readSocketpostConfig((key) => context[key], defaultRegion);
}

function problemsOf(context: Partial<Record<ContextKey, unknown>>): string[] {
  try {
    read(context, 'eu-west-1');
  } catch (error) {
    expect(error).toBeInstanceOf(InfraConfigError);
    expect((error as InfraConfigError).code).toBe('INFRA_CONFIG_ERROR');
    return (error as InfraConfigError).problems;
  }
  throw new Error('expected an InfraConfigError');
}

describe('deployment settings from CDK context', () => {
  it('should default to an internal dev deployment of 2 to 10 tasks with deletion protection', () => {
    const config = read(JWT, 'eu-west-1');
    expect(config).toMatchObject({
      stage: 'dev',
      stackName: 'socketpost-dev',
      region: 'eu-west-1',
      jwtIsPlaceholder: false,
      logRetentionDays: 30,
      throttle: { rateLimit: 500, burstLimit: 1000 },
      deletionProtection: true,
      managementTargets: [],
      notify: { internetFacing: false, minTasks: 2, maxTasks: 10, cpuTargetPercent: 60, requestsPerTarget: 1000 },
    });
    expect(config.notifyConcurrency).toBeUndefined();
  });

  it('should use placeholder JWT settings when none are given, so an offline synth still works', () => {
    const config = read({}, 'us-east-1');
    expect(config.jwtIsPlaceholder).toBe(true);
    expect(config.jwt).toEqual(PLACEHOLDER_JWT);
    expect(new URL(config.jwt.jwksUrl).hostname).toMatch(/\.invalid$/);
  });

  it('should prefer the region from context over the CLI default', () => {
    expect(read({ region: 'ap-southeast-2' }, 'eu-west-1').region).toBe('ap-southeast-2');
  });

  it('should parse managementTargets given as a JSON string on the command line', () => {
    const config = read({ managementTargets: '[{"apiId":"abc123","stage":"prod","region":"us-west-2"},{"apiId":"def456","stage":"v2"}]' }, 'eu-west-1');
    expect(config.managementTargets).toEqual([
      { apiId: 'abc123', stage: 'prod', region: 'us-west-2' },
      { apiId: 'def456', stage: 'v2' },
    ]);
  });

  it('should read strings from -c as numbers and booleans', () => {
    const config = read({ minTasks: '3', maxTasks: '4', internetFacing: 'true', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123', notifyMaxAttempts: '5' }, 'eu-west-1');
    expect(config.notify).toMatchObject({ minTasks: 3, maxTasks: 4, internetFacing: true });
    expect(config.notifyMaxAttempts).toBe(5);
  });

  it('should list every problem at once', () => {
    const problems = problemsOf({
      jwtJwksUrl: JWT.jwtJwksUrl,
      minTasks: 1,
      internetFacing: true,
      logRetentionDays: 31,
      taskCpu: 256,
      taskMemoryMiB: 4096,
      managementTargets: [{ apiId: 'NOT-AN-ID', stage: 'prod' }],
      stage: 'has space',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^stage is not valid/),
      expect.stringMatching(/jwtIssuer and jwtAudience go together/),
      expect.stringMatching(/^logRetentionDays must be a CloudWatch retention/),
      expect.stringMatching(/^minTasks must be a whole number from 2/),
      expect.stringMatching(/^taskMemoryMiB must be from 512 to 2048/),
      expect.stringMatching(/internet-facing notify service needs certificateArn/),
      expect.stringMatching(/^managementTargets\[0\]\.apiId is not valid/),
    ]);
  });

  it('should refuse maxTasks below minTasks and a missing region', () => {
    expect(problemsOf({ minTasks: 5, maxTasks: 4 })).toEqual([expect.stringMatching(/^maxTasks \(4\) must be at least minTasks \(5\)/)]);
    expect(() => read({})).toThrow(/region is required/);
  });

  describe('sharedTable and notifyService (edge stacks)', () => {
    it('should deploy the notify service and create a table unless told otherwise', () => {
      const config = read(JWT, 'eu-west-1');
      expect(config.notifyService).toBe(true);
      expect(config.sharedTable).toBeUndefined();
      expect(config.ignoredKeys).toEqual([]);
    });

    it('should read sharedTable from a table ARN', () => {
      const config = read({ sharedTable: 'arn:aws:dynamodb:us-east-1:123456789012:table/socketpost-prod-Table1', notifyService: 'false' }, 'eu-west-1');
      expect(config.sharedTable).toEqual({ tableName: 'socketpost-prod-Table1', region: 'us-east-1', account: '123456789012' });
      expect(config.notifyService).toBe(false);
    });

    it('should read sharedTable from a JSON object given on the command line, the account being optional', () => {
      const config = read({ sharedTable: '{"tableName":"socketpost-prod-Table1","region":"us-east-1"}' }, 'eu-west-1');
      expect(config.sharedTable).toEqual({ tableName: 'socketpost-prod-Table1', region: 'us-east-1' });
    });

    it('should list every problem of a bad sharedTable object at once', () => {
      expect(problemsOf({ sharedTable: { tableName: 'x', region: 'nowhere', account: '12', table: 'socketpost' } })).toEqual([
        'sharedTable.table is not a known field (tableName, region, account)',
        expect.stringMatching(/^sharedTable\.tableName must be 3–255 characters .*\(got "x"\)$/),
        expect.stringMatching(/^sharedTable\.region must be the table's region.*\(got "nowhere"\)$/),
        expect.stringMatching(/^sharedTable\.account must be a 12-digit account id \(got "12"\)$/),
      ]);
      expect(problemsOf({ sharedTable: { tableName: 'socketpost-prod' } })).toEqual([
        expect.stringMatching(/^sharedTable\.region must be the table's region.*\(got undefined\)$/),
      ]);
    });

    it('should refuse a sharedTable that is neither a table ARN nor an object, next to other problems', () => {
      expect(problemsOf({ sharedTable: 'arn:aws:s3:::bucket', notifyService: 'maybe' })).toEqual([
        expect.stringMatching(/^notifyService must be true or false/),
        expect.stringMatching(/^sharedTable must be a DynamoDB table ARN .*\(got "arn:aws:s3:::bucket"\)$/),
      ]);
      expect(problemsOf({ sharedTable: '{"tableName":' })).toEqual([expect.stringMatching(/^sharedTable must be a JSON object/)]);
      expect(problemsOf({ sharedTable: ['socketpost'] })).toEqual([expect.stringMatching(/^sharedTable must be an object or a string/)]);
    });

    it('should report notify and own-table settings as ignored, not as errors, in an edge stack', () => {
      const config = read(
        {
          ...JWT,
          notifyService: false,
          sharedTable: 'arn:aws:dynamodb:us-east-1:123456789012:table/socketpost-prod-Table1',
          internetFacing: 'true', // no certificate: only a problem when the service exists
          managementTargets: [{ apiId: 'abc123', stage: 'prod' }],
          deletionProtection: 'false',
        },
        'eu-west-1',
      );
      expect(config.ignoredKeys).toEqual(['internetFacing', 'managementTargets', 'deletionProtection']);
    });
  });
});

