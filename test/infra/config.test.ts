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

  describe('profiles', () => {
    const REAL_JWT = {
      jwtJwksUrl: 'https://login.acme-payments.io/.well-known/jwks.json',
      jwtIssuer: 'https://login.acme-payments.io/',
      jwtAudience: 'socketpost',
    };
    const PRODUCTION = {
      ...REAL_JWT,
      profile: 'production',
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc-123',
      allowedCidrs: '10.0.0.0/8',
    };

    it('should default to development: one NAT gateway, x86_64, no ALB deletion protection, no account role', () => {
      const config = read({}, 'eu-west-1');
      expect(config.profile).toBe('development');
      expect(config.notify).toMatchObject({ natGateways: 1, architecture: 'x86_64', albDeletionProtection: false, vpcCidr: '10.40.0.0/16' });
      expect(config.manageApiGatewayAccount).toBe(false);
    });

    it('should default production to one NAT per zone, arm64 and a deletion-protected ALB', () => {
      const config = read(PRODUCTION, 'eu-west-1');
      expect(config.profile).toBe('production');
      expect(config.notify).toMatchObject({ natGateways: 2, architecture: 'arm64', albDeletionProtection: true, allowedCidrs: ['10.0.0.0/8'] });
    });

    it('should refuse production without its settings, listing every one', () => {
      expect(problemsOf({ profile: 'production' })).toEqual([
        expect.stringMatching(/^profile=production needs jwtJwksUrl, jwtIssuer and jwtAudience/),
        expect.stringMatching(/^profile=production needs certificateArn/),
        expect.stringMatching(/^profile=production needs allowedCidrs or allowedSecurityGroupIds/),
      ]);
    });

    it('should refuse placeholder JWT settings and a single NAT gateway in production', () => {
      expect(problemsOf({ ...PRODUCTION, ...JWT, natGateways: 1 })).toEqual([
        expect.stringMatching(/^profile=production needs natGateways of at least 2/),
        expect.stringMatching(/^profile=production refuses jwtJwksUrl on a placeholder host \(auth\.example\.com\)/),
      ]);
    });

    it('should accept callers given as security groups instead of CIDRs', () => {
      const { allowedCidrs: _cidrs, ...rest } = PRODUCTION;
      const config = read({ ...rest, allowedSecurityGroupIds: 'sg-0123456789abcdef0,sg-0fedcba98' }, 'eu-west-1');
      expect(config.notify.allowedSecurityGroupIds).toEqual(['sg-0123456789abcdef0', 'sg-0fedcba98']);
      expect(problemsOf({ allowedSecurityGroupIds: 'default' })).toEqual([expect.stringMatching(/not a security group id/)]);
    });

    it('should need only real JWT settings for a production edge stack (no ALB)', () => {
      const edge = { profile: 'production', notifyService: 'false' };
      expect(problemsOf(edge)).toEqual([expect.stringMatching(/^profile=production needs jwtJwksUrl/)]);
      expect(read({ ...edge, ...REAL_JWT }, 'eu-west-1').notifyService).toBe(false);
    });

    it('should refuse an unknown profile', () => {
      expect(problemsOf({ profile: 'staging' })).toEqual([expect.stringMatching(/^profile must be development or production \(got "staging"\)/)]);
    });
  });

  describe('vpcCidr and containerImage', () => {
    it('should take the VPC range from vpcCidr, from /16 to /20', () => {
      expect(read({ vpcCidr: '172.20.0.0/20' }, 'eu-west-1').notify.vpcCidr).toBe('172.20.0.0/20');
      expect(problemsOf({ vpcCidr: '10.0.0.0/24' })).toEqual([expect.stringMatching(/^vpcCidr must be an IPv4 range from \/16 to \/20/)]);
    });

    it('should read an ECR image with a tag or a digest', () => {
      expect(read({ containerImage: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/socketpost:v1.2' }, 'eu-west-1').notify.containerImage).toEqual({
        uri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/socketpost:v1.2',
        account: '123456789012',
        region: 'eu-west-1',
        repositoryName: 'team/socketpost',
        tagOrDigest: 'v1.2',
      });
      const digest = `sha256:${'a'.repeat(64)}`;
      expect(read({ containerImage: `123456789012.dkr.ecr.us-east-1.amazonaws.com/socketpost@${digest}` }, 'eu-west-1').notify.containerImage?.tagOrDigest).toBe(digest);
    });

    it('should refuse an image that is not in ECR or has neither tag nor digest', () => {
      for (const image of ['nginx:latest', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/socketpost']) {
        expect(problemsOf({ containerImage: image })).toEqual([expect.stringMatching(/^containerImage must be an ECR image with a tag or digest/)]);
      }
    });
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

