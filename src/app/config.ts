import { AWS_REGION_PATTERN } from '../domain/model/management-endpoint.js';

/**
 * The one place that reads `process.env` for the service. Every variable is validated at start; one error
 * lists every missing or bad variable at once. The local dev kit (`src/local`) reads its own variables
 * through the same `EnvReader`.
 */

export type StorageKind = 'dynamodb' | 'memory';
/** How the notify service talks to the @connections API: SigV4-signed HTTP over undici (default), or the AWS SDK client. */
export type MessengerKind = 'signed-http' | 'sdk';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CoreConfig {
  storage: StorageKind;
  tableName: string;
  region: string;
  /** Region of the table (`TABLE_REGION`, default `AWS_REGION`): a stack in another region may share one table. */
  tableRegion: string;
  /** DynamoDB endpoint override (DynamoDB Local); undefined in AWS. */
  dynamoDbEndpoint?: string;
  logLevel: LogLevel;
  connectionTtlGraceSeconds: number;
  notifyConcurrency: number;
  notifyMaxAttempts: number;
  /** Total time one notify may take, retries included (`NOTIFY_DEADLINE_MS`). */
  notifyDeadlineMs: number;
  /** A 410 from a connection younger than this is its `$connect` still finishing, not a gone socket (`CONNECT_GRACE_MS`). */
  connectGraceMs: number;
  /** `MESSENGER`: `signed-http` (default, several times less CPU per post) or `sdk` (the reference). */
  messenger: MessengerKind;
  /** `METRICS`: `on` (default; also when absent) records metrics (Prometheus in the REST service, EMF in the Lambdas); `off` records none. */
  metrics?: MetricsSwitch;
  /** `METRICS_NAMESPACE`: the CloudWatch namespace of the EMF metrics (default `socketpost`). */
  metricsNamespace?: string;
  /** How long a user's messages are kept for `socketpost.v1` clients to resume (`RECOVERY_WINDOW_SECONDS`). */
  recoveryWindowSeconds: number;
}

export type MetricsSwitch = 'on' | 'off';

export interface JwtConfig {
  /** HS256 secret (local/dev). */
  secret?: string;
  /** JWKS URL + issuer + audience (production). */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Longest token lifetime accepted (`exp - iat`, or `exp - now` without `iat`). */
  maxTtlSeconds: number;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`. */
  clockSkewSeconds: number;
}

export interface ServerConfig extends CoreConfig {
  host: string;
  port: number;
  apiKeys: string[];
  /** Largest accepted request body; bigger ones get 413. */
  bodyLimitBytes: number;
  /** How long SIGTERM waits for in-flight requests. */
  shutdownTimeoutMs: number;
  /** A request not received in full within this answers 408 and is closed. */
  requestTimeoutMs: number;
  /** Idle keep-alive connections are closed after this. */
  keepAliveTimeoutMs: number;
  /** Requests per minute per API key; 0 = no limit. */
  rateLimitPerMinute: number;
  /** `METRICS_TOKEN`: a bearer token that may read `GET /metrics` besides the API keys (16+ characters). */
  metricsToken?: string;
  /** `METRICS_EMF_INTERVAL_SECONDS`: also write the metrics as CloudWatch EMF lines to stdout this often; 0 = never. */
  metricsEmfIntervalSeconds?: number;
}


export class ConfigError extends Error {
  readonly code = 'CONFIG_ERROR';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** API keys shorter than this are refused: they would be guessable. */
export const MIN_API_KEY_LENGTH = 16;

/** Reads and validates variables, collecting every problem; `done()` throws one ConfigError listing them all. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name]?.trim();
    if (value) return value;
    if (fallback === undefined) {
      this.problems.push(`${name} is required`);
      return '';
    }
    return fallback;
  }

  optional(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    try {
      const url = new URL(raw);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      return raw;
    } catch {
      this.problems.push(`${name} must be an http(s) URL (got "${raw}")`);
      return undefined;
    }
  }

  check(condition: boolean, problem: string): void {
    if (!condition) this.problems.push(problem);
  }

  done<T>(value: T): T {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
    return value;
  }
}

function readCore(r: EnvReader): CoreConfig {
  const storage = r.oneOf<StorageKind>('STORAGE', ['dynamodb', 'memory'], 'dynamodb');
  const tableName = r.string('TABLE_NAME', 'socketpost');
  r.check(TABLE_NAME.test(tableName), `TABLE_NAME must be 3–255 characters of A-Z a-z 0-9 _ . - (got "${tableName}")`);
  const region = r.string('AWS_REGION', r.optional('AWS_DEFAULT_REGION') ?? 'us-east-1');
  r.check(AWS_REGION_PATTERN.test(region), `AWS_REGION must be an AWS region such as eu-west-1 (got "${region}")`);
  const tableRegion = r.string('TABLE_REGION', region);
  r.check(AWS_REGION_PATTERN.test(tableRegion), `TABLE_REGION must be an AWS region such as eu-west-1 (got "${tableRegion}")`);
  const dynamoDbEndpoint = r.url('DYNAMODB_ENDPOINT');
  return {
    storage,
    tableName,
    region,
    tableRegion,
    ...(dynamoDbEndpoint ? { dynamoDbEndpoint } : {}),
    logLevel: r.oneOf<LogLevel>('LOG_LEVEL', LOG_LEVELS, 'info'),
    connectionTtlGraceSeconds: r.int('CONNECTION_TTL_GRACE_SECONDS', 600, 0, 86_400),
    notifyConcurrency: r.int('NOTIFY_CONCURRENCY', 32, 1, 1_000),
    notifyMaxAttempts: r.int('NOTIFY_MAX_ATTEMPTS', 3, 1, 10),
    notifyDeadlineMs: r.int('NOTIFY_DEADLINE_MS', 10_000, 100, 300_000),
    connectGraceMs: r.int('CONNECT_GRACE_MS', 3_000, 0, 60_000),
    messenger: r.oneOf<MessengerKind>('MESSENGER', ['signed-http', 'sdk'], 'signed-http'),
    ...readMetrics(r),
    recoveryWindowSeconds: r.int('RECOVERY_WINDOW_SECONDS', 120, 1, 3_600),
  };
}

const METRICS_NAMESPACE = /^[A-Za-z0-9._/#:-]{1,255}$/;

function readMetrics(r: EnvReader): Pick<CoreConfig, 'metrics' | 'metricsNamespace'> {
  const metricsNamespace = r.string('METRICS_NAMESPACE', 'socketpost');
  r.check(
    METRICS_NAMESPACE.test(metricsNamespace) && !metricsNamespace.startsWith('AWS/'),
    `METRICS_NAMESPACE must be 1–255 characters of A-Z a-z 0-9 . _ / # : - and not start with AWS/ (got "${metricsNamespace}")`,
  );
  return { metrics: r.oneOf<MetricsSwitch>('METRICS', ['on', 'off'], 'on'), metricsNamespace };
}

/** Configuration of the REST notify service. */
export function loadServerConfig(env: Env = process.env): ServerConfig {
  const r = new EnvReader(env);
  const core = readCore(r);
  const apiKeys = (env.NOTIFY_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  r.check(apiKeys.length > 0, 'NOTIFY_API_KEYS is required: one or more comma-separated API keys');
  r.check(
    apiKeys.every((k) => k.length >= MIN_API_KEY_LENGTH),
    `NOTIFY_API_KEYS: every key must be at least ${MIN_API_KEY_LENGTH} characters`,
  );
  return r.done({
    ...core,
    host: r.string('HOST', '0.0.0.0'),
    port: r.int('PORT', 3000, 0, 65_535),
    apiKeys,
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1_048_576, 1_024, 10_485_760),
    shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 120_000),
    requestTimeoutMs: r.int('REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
    keepAliveTimeoutMs: r.int('KEEP_ALIVE_TIMEOUT_MS', 72_000, 1_000, 600_000),
    rateLimitPerMinute: r.int('RATE_LIMIT_PER_MINUTE', 6_000, 0, 1_000_000),
    ...readMetricsAccess(r),
  });
}

function readMetricsAccess(r: EnvReader): Pick<ServerConfig, 'metricsToken' | 'metricsEmfIntervalSeconds'> {
  const metricsToken = r.optional('METRICS_TOKEN');
  r.check(
    metricsToken === undefined || (metricsToken.length >= MIN_API_KEY_LENGTH && !/\s/.test(metricsToken)),
    `METRICS_TOKEN must be at least ${MIN_API_KEY_LENGTH} characters without spaces (or unset: GET /metrics then takes an API key)`,
  );
  return {
    ...(metricsToken ? { metricsToken } : {}),
    metricsEmfIntervalSeconds: r.int('METRICS_EMF_INTERVAL_SECONDS', 0, 0, 3_600),
  };
}

/** Configuration shared by every Lambda handler (storage, region, notify tuning). */
export function loadCoreConfig(env: Env = process.env): CoreConfig {
  const r = new EnvReader(env);
  return r.done(readCore(r));
}

/** Configuration of the `$connect` authorizer: how to verify the client's JWT. */
export function loadAuthorizerConfig(env: Env = process.env): JwtConfig {
  const r = new EnvReader(env);
  const jwksUrl = r.url('JWT_JWKS_URL');
  const jwt: JwtConfig = {
    ...(r.optional('JWT_SECRET') ? { secret: r.optional('JWT_SECRET') } : {}),
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(r.optional('JWT_ISSUER') ? { issuer: r.optional('JWT_ISSUER') } : {}),
    ...(r.optional('JWT_AUDIENCE') ? { audience: r.optional('JWT_AUDIENCE') } : {}),
    maxTtlSeconds: r.int('JWT_MAX_TTL_SECONDS', 86_400, 60, 30 * 86_400),
    clockSkewSeconds: r.int('JWT_CLOCK_SKEW_SECONDS', 30, 0, 600),
  };
  if (jwt.jwksUrl) {
    r.check(Boolean(jwt.issuer), 'JWT_ISSUER is required with JWT_JWKS_URL');
    r.check(Boolean(jwt.audience), 'JWT_AUDIENCE is required with JWT_JWKS_URL');
  } else {
    r.check(Boolean(jwt.secret), 'JWT_SECRET (HS256, local/dev) or JWT_JWKS_URL + JWT_ISSUER + JWT_AUDIENCE is required');
    r.check(!jwt.secret || jwt.secret.length >= 32, 'JWT_SECRET must be at least 32 characters');
  }
  return r.done(jwt);
}
