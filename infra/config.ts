/**
 * Deployment settings of the socketpost stack, read from CDK context (`cdk.json` or `-c key=value`).
 * Everything is validated at once so one synth lists every problem.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Another API stage (same or other region/account) whose connections the notify service may post to. */
export interface ManagementTarget {
  apiId: string;
  stage: string;
  /** Defaults to the stack's region. */
  region?: string;
  /** Defaults to the stack's account. */
  account?: string;
}

/**
 * An existing connections table (created by another socketpost stack) that this stack records its
 * connections in instead of creating its own: how an "edge" stack in another stage or region shares
 * the main stack's table, so the main notify service sees its connections.
 */
export interface SharedTable {
  tableName: string;
  /** The table's region; may differ from the stack's (the Lambdas get it as TABLE_REGION). */
  region: string;
  /** Defaults to the stack's account. */
  account?: string;
}

export interface JwtSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

export type ContainerArchitecture = 'x86_64' | 'arm64';

/**
 * `development` (the default): synthesizes offline with no settings at all. `production`: refuses to
 * synthesize until it has real JWT settings, a certificate and who may reach the ALB, and defaults to one
 * NAT gateway per zone, Fargate on arm64 and a deletion-protected ALB.
 */
export type Profile = 'development' | 'production';
export const PROFILES: readonly Profile[] = ['development', 'production'];

/** An ECR image to run instead of building the Dockerfile at deploy time (`containerImage`). */
export interface ContainerImageRef {
  /** The URI as given: `{account}.dkr.ecr.{region}.amazonaws.com/{repository}:{tag}` or `…@sha256:{digest}`. */
  uri: string;
  account: string;
  region: string;
  repositoryName: string;
  /** A tag, or `sha256:…` for a digest. */
  tagOrDigest: string;
}

export interface SocketpostConfig {
  profile: Profile;
  /** WebSocket stage name; also part of resource names and tags. */
  stage: string;
  stackName: string;
  /** Concrete region of the stack (ALB access logs need one); account stays deploy-time. */
  region: string;
  jwt: JwtSettings;
  /** True when `jwt` holds placeholders (synth works, connections would all be refused). */
  jwtIsPlaceholder: boolean;
  logLevel: string;
  logRetentionDays: RetentionDays;
  /** Optional app tuning; unset means the app's own default. */
  connectionTtlGraceSeconds?: number;
  notifyConcurrency?: number;
  notifyMaxAttempts?: number;
  /** RECOVERY_WINDOW_SECONDS of every process (message recovery); the app default when absent. */
  recoveryWindowSeconds?: number;
  throttle: { rateLimit: number; burstLimit: number };
  deletionProtection: boolean;
  notify: NotifyServiceSettings;
  /** Extra API stages the notify service may post to (several stages or regions). */
  managementTargets: ManagementTarget[];
  /** Create the account-wide API Gateway CloudWatch role (needed once per account and region). */
  manageApiGatewayAccount: boolean;
  /** Record connections in this existing table instead of creating one. */
  sharedTable?: SharedTable;
  /** Deploy the REST notify service (VPC, Fargate, ALB, secret); false for an edge stack. */
  notifyService: boolean;
  /** Context keys that were given but have no effect in this deployment (reported as synth warnings). */
  ignoredKeys: ContextKey[];
  /** SNS topic the alarms notify (`alarmTopicArn`); the stack creates one when unset. */
  alarmTopicArn?: string;
}

export interface NotifyServiceSettings {
  internetFacing: boolean;
  /** ACM certificate for an HTTPS listener; required when internet-facing. */
  certificateArn?: string;
  /** Who may reach the ALB; defaults to the VPC's CIDR (internal) or anywhere (internet-facing). */
  allowedCidrs?: string[];
  /** Security groups (of an existing VPC, or a peered one) whose members may reach the ALB. */
  allowedSecurityGroupIds?: string[];
  /** Address range of the VPC the stack creates. */
  vpcCidr: string;
  /** Refuse deleting the ALB (production default). */
  albDeletionProtection: boolean;
  /** Run this ECR image instead of building the Dockerfile at deploy time. */
  containerImage?: ContainerImageRef;
  minTasks: number;
  maxTasks: number;
  cpuTargetPercent: number;
  requestsPerTarget: number;
  cpu: number;
  memoryMiB: number;
  architecture: ContainerArchitecture;
  natGateways: number;
  /** Existing Secrets Manager secret with the comma-separated API keys; created when unset. */
  apiKeysSecretArn?: string;
}

export class InfraConfigError extends Error {
  readonly code = 'INFRA_CONFIG_ERROR';

  constructor(readonly problems: string[]) {
    super(`Invalid socketpost deployment settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InfraConfigError';
  }
}

/** Placeholder JWT settings: `.invalid` can never resolve, so a stack deployed with them refuses every client. */
export const PLACEHOLDER_JWT: JwtSettings = {
  jwksUrl: 'https://auth.example.invalid/.well-known/jwks.json',
  issuer: 'https://auth.example.invalid/',
  audience: 'socketpost',
};

/** Every context key the app reads (documented in infra/README.md). */
export const CONTEXT_KEYS = [
  'profile',
  'stage',
  'stackName',
  'region',
  'jwtJwksUrl',
  'jwtIssuer',
  'jwtAudience',
  'logLevel',
  'logRetentionDays',
  'connectionTtlGraceSeconds',
  'notifyConcurrency',
  'notifyMaxAttempts',
  'recoveryWindowSeconds',
  'throttleRateLimit',
  'throttleBurstLimit',
  'deletionProtection',
  'internetFacing',
  'certificateArn',
  'allowedCidrs',
  'minTasks',
  'maxTasks',
  'cpuTargetPercent',
  'requestsPerTarget',
  'taskCpu',
  'taskMemoryMiB',
  'containerArchitecture',
  'natGateways',
  'apiKeysSecretArn',
  'managementTargets',
  'manageApiGatewayAccount',
  'sharedTable',
  'notifyService',
  'vpcCidr',
  'allowedSecurityGroupIds',
  'albDeletionProtection',
  'containerImage',
  'alarmTopicArn',
] as const;

/** Keys that only configure the notify service: without it they have no effect. */
const NOTIFY_ONLY_KEYS: readonly ContextKey[] = [
  'internetFacing',
  'certificateArn',
  'allowedCidrs',
  'minTasks',
  'maxTasks',
  'cpuTargetPercent',
  'requestsPerTarget',
  'taskCpu',
  'taskMemoryMiB',
  'containerArchitecture',
  'natGateways',
  'apiKeysSecretArn',
  'managementTargets',
  'vpcCidr',
  'allowedSecurityGroupIds',
  'albDeletionProtection',
  'containerImage',
];
/** Keys that only configure a table this stack creates. */
const OWN_TABLE_KEYS: readonly ContextKey[] = ['deletionProtection'];

export type ContextKey = (typeof CONTEXT_KEYS)[number];

/** Reads one context value: `tryGetContext` of an App or Stack node. */
export type ContextReader = (key: ContextKey) => unknown;

const STAGE = /^[A-Za-z0-9_-]{1,128}$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const API_ID = /^[a-z0-9]{1,64}$/;
const ACCOUNT = /^\d{12}$/;
const CIDR = /^(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
/** `{account}.dkr.ecr.{region}.amazonaws.com[.cn]/{repository}` then `:{tag}` or `@sha256:{digest}`. */
const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([\w][\w.-]{0,127})|@(sha256:[a-f0-9]{64}))$/;
/** Host names reserved for documentation and tests (RFC 2606, RFC 6761): never a real key endpoint. */
const RESERVED_HOST = /(^|\.)(example\.(com|net|org)|example|invalid|test|localhost)$/i;
/** DynamoDB's own rule for table names. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):table\/([A-Za-z0-9_.-]{3,255})$/;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
/** Fargate CPU units → allowed memory (MiB) range. */
const FARGATE_MEMORY: Record<number, [number, number]> = {
  256: [512, 2048],
  512: [1024, 4096],
  1024: [2048, 8192],
  2048: [4096, 16384],
  4096: [8192, 30720],
};

class ContextParser {
  readonly problems: string[] = [];

  constructor(private readonly read: ContextReader) {}

  private raw(key: ContextKey): unknown {
    const value = this.read(key);
    return typeof value === 'string' ? value.trim() || undefined : (value ?? undefined);
  }

  given(key: ContextKey): boolean {
    return this.raw(key) !== undefined;
  }

  /** A JSON object (cdk.json, or `-c key='{...}'`), or any other string as it is. */
  objectOrString(key: ContextKey): Record<string, unknown> | string | undefined {
    let value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') {
      if (!value.startsWith('{')) return value;
      try {
        value = JSON.parse(value);
      } catch {
        this.problems.push(`${key} must be a JSON object (got ${JSON.stringify(value)})`);
        return undefined;
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problems.push(`${key} must be an object or a string (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  string(key: ContextKey, pattern?: RegExp): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || (pattern && !pattern.test(value))) {
      this.problems.push(`${key} is not valid (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value;
  }

  int(key: ContextKey, fallback: number, min: number, max: number): number {
    const value = this.optionalInt(key, min, max);
    return value ?? fallback;
  }

  optionalInt(key: ContextKey, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${key} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return n;
  }

  bool(key: ContextKey, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.problems.push(`${key} must be true or false (got ${JSON.stringify(value)})`);
    return fallback;
  }

  /** A JSON array, given either as an array (cdk.json) or as a JSON string (`-c key='[...]'`). */
  array(key: ContextKey): unknown[] | undefined {
    let value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'string') {
      // A comma-separated list is accepted for lists of plain strings.
      if (!value.startsWith('[')) return value.split(',').map((v) => v.trim()).filter(Boolean);
      try {
        value = JSON.parse(value);
      } catch {
        this.problems.push(`${key} must be a JSON array (got ${JSON.stringify(value)})`);
        return undefined;
      }
    }
    if (!Array.isArray(value)) {
      this.problems.push(`${key} must be an array (got ${JSON.stringify(value)})`);
      return undefined;
    }
    return value;
  }
}

/**
 * Builds the configuration from context. `defaultRegion` is what the CDK CLI found in the local AWS
 * config (`CDK_DEFAULT_REGION`); no network call is made.
 */
export function readSocketpostConfig(read: ContextReader, defaultRegion?: string): SocketpostConfig {
  const p = new ContextParser(read);

  const profileGiven = p.string('profile');
  if (profileGiven !== undefined && !PROFILES.includes(profileGiven as Profile)) {
    p.problems.push(`profile must be ${PROFILES.join(' or ')} (got ${JSON.stringify(profileGiven)})`);
  }
  const profile: Profile = profileGiven === 'production' ? 'production' : 'development';
  const production = profile === 'production';

  const stage = p.string('stage', STAGE) ?? 'dev';
  const stackName = p.string('stackName', STACK_NAME) ?? `socketpost-${stage}`;
  const region = p.string('region', REGION) ?? defaultRegion;
  if (!region || !REGION.test(region)) p.problems.push('region is required: pass -c region=eu-west-1 or set AWS_REGION');

  const jwksUrl = p.string('jwtJwksUrl', /^https:\/\/\S+$/);
  const issuer = p.string('jwtIssuer');
  const audience = p.string('jwtAudience');
  const jwtGiven = [jwksUrl, issuer, audience].filter((v) => v !== undefined).length;
  if (jwtGiven > 0 && jwtGiven < 3) p.problems.push('jwtJwksUrl, jwtIssuer and jwtAudience go together: give all three');
  const jwtIsPlaceholder = jwtGiven < 3;
  const jwt = jwtIsPlaceholder ? PLACEHOLDER_JWT : { jwksUrl: jwksUrl!, issuer: issuer!, audience: audience! };

  const logLevel = p.string('logLevel') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) p.problems.push(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);

  const retention = p.int('logRetentionDays', 30, 1, 3653);
  if (!(Object.values(RetentionDays) as number[]).includes(retention)) {
    p.problems.push(`logRetentionDays must be a CloudWatch retention such as 7, 30, 90, 365 (got ${retention})`);
  }

  const minTasks = p.int('minTasks', 2, 2, 100);
  const maxTasks = p.int('maxTasks', 10, 2, 500);
  if (maxTasks < minTasks) p.problems.push(`maxTasks (${maxTasks}) must be at least minTasks (${minTasks})`);

  const cpu = p.int('taskCpu', 512, 256, 4096);
  const memoryMiB = p.int('taskMemoryMiB', 1024, 512, 30720);
  const memoryRange = FARGATE_MEMORY[cpu];
  if (!memoryRange) p.problems.push(`taskCpu must be one of ${Object.keys(FARGATE_MEMORY).join(', ')}`);
  else if (memoryMiB < memoryRange[0] || memoryMiB > memoryRange[1]) {
    p.problems.push(`taskMemoryMiB must be from ${memoryRange[0]} to ${memoryRange[1]} with taskCpu ${cpu}`);
  }

  const architecture = (p.string('containerArchitecture', /^(x86_64|arm64)$/) ??
    (production ? 'arm64' : 'x86_64')) as ContainerArchitecture;
  const notifyService = p.bool('notifyService', true);
  const internetFacing = p.bool('internetFacing', false);
  const certificateArn = p.string('certificateArn', /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/);
  if (notifyService && internetFacing && !certificateArn) {
    p.problems.push('an internet-facing notify service needs certificateArn: API keys must not cross the internet in clear');
  }
  const allowedCidrs = p.array('allowedCidrs')?.map(String);
  for (const cidr of allowedCidrs ?? []) if (!CIDR.test(cidr)) p.problems.push(`allowedCidrs: "${cidr}" is not an IPv4 CIDR`);
  const allowedSecurityGroupIds = p.array('allowedSecurityGroupIds')?.map(String);
  for (const id of allowedSecurityGroupIds ?? []) {
    if (!SECURITY_GROUP_ID.test(id)) p.problems.push(`allowedSecurityGroupIds: "${id}" is not a security group id (sg-…)`);
  }
  const vpcCidr = p.string('vpcCidr') ?? DEFAULT_VPC_CIDR;
  if (!CIDR.test(vpcCidr) || !(Number(vpcCidr.split('/')[1]) >= 16 && Number(vpcCidr.split('/')[1]) <= 20)) {
    p.problems.push(`vpcCidr must be an IPv4 range from /16 to /20, such as 10.40.0.0/16 (got ${JSON.stringify(vpcCidr)})`);
  }
  const containerImage = parseContainerImage(p);
  const natGateways = p.int('natGateways', production ? 2 : 1, 1, 2);
  if (production && notifyService) {
    const missing: string[] = [];
    if (jwtIsPlaceholder) missing.push('jwtJwksUrl, jwtIssuer and jwtAudience (the JWT issuer of your clients)');
    if (!certificateArn) missing.push('certificateArn (an ACM certificate: the ALB serves HTTPS on 443, HTTP only redirects)');
    if (!allowedCidrs?.length && !allowedSecurityGroupIds?.length) {
      missing.push('allowedCidrs or allowedSecurityGroupIds (who may reach the notify ALB)');
    }
    if (natGateways < 2) missing.push('natGateways of at least 2 (one per zone; omit it for the production default)');
    for (const setting of missing) p.problems.push(`profile=production needs ${setting}`);
  } else if (production && jwtIsPlaceholder) {
    p.problems.push('profile=production needs jwtJwksUrl, jwtIssuer and jwtAudience (the JWT issuer of your clients)');
  }
  if (production && !jwtIsPlaceholder && RESERVED_HOST.test(hostOf(jwt.jwksUrl))) {
    p.problems.push(`profile=production refuses jwtJwksUrl on a placeholder host (${hostOf(jwt.jwksUrl)}): give your issuer's real JWKS URL`);
  }

  const apiKeysSecretArn = p.string('apiKeysSecretArn', /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/);
  const throttleRate = p.int('throttleRateLimit', 500, 1, 100_000);
  const throttleBurst = p.int('throttleBurstLimit', 1000, 1, 100_000);

  const config: SocketpostConfig = {
    profile,
    stage,
    stackName,
    region: region ?? '',
    jwt,
    jwtIsPlaceholder,
    logLevel,
    logRetentionDays: retention as RetentionDays,
    throttle: { rateLimit: throttleRate, burstLimit: throttleBurst },
    deletionProtection: p.bool('deletionProtection', true),
    notify: {
      internetFacing,
      ...(certificateArn ? { certificateArn } : {}),
      ...(allowedCidrs ? { allowedCidrs } : {}),
      ...(allowedSecurityGroupIds ? { allowedSecurityGroupIds } : {}),
      vpcCidr,
      albDeletionProtection: p.bool('albDeletionProtection', production),
      ...(containerImage ? { containerImage } : {}),
      minTasks,
      maxTasks,
      cpuTargetPercent: p.int('cpuTargetPercent', 60, 10, 90),
      requestsPerTarget: p.int('requestsPerTarget', 1000, 1, 100_000),
      cpu,
      memoryMiB,
      architecture,
      natGateways,
      ...(apiKeysSecretArn ? { apiKeysSecretArn } : {}),
    },
    managementTargets: parseTargets(p),
    // One stack per account and region owns it: off unless asked, so deleting a stage cannot break the others' logs.
    manageApiGatewayAccount: p.bool('manageApiGatewayAccount', false),
    notifyService,
    ignoredKeys: [],
  };
  const sharedTable = parseSharedTable(p);
  if (sharedTable) config.sharedTable = sharedTable;
  const alarmTopicArn = p.string('alarmTopicArn', /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/);
  if (alarmTopicArn) config.alarmTopicArn = alarmTopicArn;
  // Not errors: a cdk.json shared by several stacks may set them for the ones that use them.
  config.ignoredKeys = [...(notifyService ? [] : NOTIFY_ONLY_KEYS), ...(sharedTable ? OWN_TABLE_KEYS : [])].filter((key) =>
    p.given(key),
  );
  const ttlGrace = p.optionalInt('connectionTtlGraceSeconds', 0, 86_400);
  const concurrency = p.optionalInt('notifyConcurrency', 1, 1_000);
  const maxAttempts = p.optionalInt('notifyMaxAttempts', 1, 10);
  if (ttlGrace !== undefined) config.connectionTtlGraceSeconds = ttlGrace;
  if (concurrency !== undefined) config.notifyConcurrency = concurrency;
  if (maxAttempts !== undefined) config.notifyMaxAttempts = maxAttempts;
  const recoveryWindow = p.optionalInt('recoveryWindowSeconds', 1, 3_600);
  if (recoveryWindow !== undefined) config.recoveryWindowSeconds = recoveryWindow;

  if (p.problems.length > 0) throw new InfraConfigError(p.problems);
  return config;
}

/** Address range of the VPC the stack creates, unless `vpcCidr` says otherwise. */
export const DEFAULT_VPC_CIDR = '10.40.0.0/16';

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function parseContainerImage(p: ContextParser): ContainerImageRef | undefined {
  const uri = p.string('containerImage');
  if (uri === undefined) return undefined;
  const match = ECR_IMAGE.exec(uri);
  if (!match) {
    p.problems.push(
      `containerImage must be an ECR image with a tag or digest, {account}.dkr.ecr.{region}.amazonaws.com/{repository}:{tag} (got ${JSON.stringify(uri)})`,
    );
    return undefined;
  }
  const [, account, region, repositoryName, tag, digest] = match;
  return { uri, account: account!, region: region!, repositoryName: repositoryName!, tagOrDigest: (tag ?? digest)! };
}

function parseTargets(p: ContextParser): ManagementTarget[] {
  const raw = p.array('managementTargets') ?? [];
  const targets: ManagementTarget[] = [];
  raw.forEach((item, i) => {
    const t = (item ?? {}) as Record<string, unknown>;
    const bad = (field: string) => p.problems.push(`managementTargets[${i}].${field} is not valid (got ${JSON.stringify(t[field])})`);
    if (typeof t.apiId !== 'string' || !API_ID.test(t.apiId)) return bad('apiId');
    if (typeof t.stage !== 'string' || !STAGE.test(t.stage)) return bad('stage');
    if (t.region !== undefined && (typeof t.region !== 'string' || !REGION.test(t.region))) return bad('region');
    if (t.account !== undefined && (typeof t.account !== 'string' || !ACCOUNT.test(t.account))) return bad('account');
    targets.push({
      apiId: t.apiId,
      stage: t.stage,
      ...(t.region ? { region: t.region as string } : {}),
      ...(t.account ? { account: t.account as string } : {}),
    });
  });
  return targets;
}

/**
 * `sharedTable` as a table ARN (`arn:aws:dynamodb:{region}:{account}:table/{name}`) or as an object
 * `{ "tableName", "region", "account"? }`; every problem of the value is listed.
 */
function parseSharedTable(p: ContextParser): SharedTable | undefined {
  const raw = p.objectOrString('sharedTable');
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') {
    const match = TABLE_ARN.exec(raw);
    if (!match) {
      p.problems.push(
        `sharedTable must be a DynamoDB table ARN (arn:aws:dynamodb:{region}:{account}:table/{name}) or {"tableName","region","account"?} (got ${JSON.stringify(raw)})`,
      );
      return undefined;
    }
    return { region: match[1]!, account: match[2]!, tableName: match[3]! };
  }

  const before = p.problems.length;
  const { tableName, region, account } = raw;
  for (const field of Object.keys(raw)) {
    if (!['tableName', 'region', 'account'].includes(field)) {
      p.problems.push(`sharedTable.${field} is not a known field (tableName, region, account)`);
    }
  }
  if (typeof tableName !== 'string' || !TABLE_NAME.test(tableName)) {
    p.problems.push(`sharedTable.tableName must be 3–255 characters of A-Z a-z 0-9 _ . - (got ${JSON.stringify(tableName)})`);
  }
  if (typeof region !== 'string' || !REGION.test(region)) {
    p.problems.push(`sharedTable.region must be the table's region, such as us-east-1 (got ${JSON.stringify(region)})`);
  }
  if (account !== undefined && (typeof account !== 'string' || !ACCOUNT.test(account))) {
    p.problems.push(`sharedTable.account must be a 12-digit account id (got ${JSON.stringify(account)})`);
  }
  if (p.problems.length > before) return undefined;
  return {
    tableName: tableName as string,
    region: region as string,
    ...(account !== undefined ? { account: account as string } : {}),
  };
}
