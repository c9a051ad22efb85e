import type { Logger } from '../../ports/logger.js';
import type { AuthorizerHandler, WebSocketHandler } from '../../adapters/lambda/lambda-events.js';
import { newAwsId } from './aws-ids.js';
import { SilentLogger } from './silent.logger.js';

/** The Lambda handlers the emulator runs in-process, one per route. */
export interface EmulatorHandlers {
  /** REQUEST authorizer of `$connect`. Without it every handshake is accepted unauthenticated. */
  authorizer?: AuthorizerHandler;
  connect?: WebSocketHandler;
  disconnect?: WebSocketHandler;
  default?: WebSocketHandler;
  /** Custom routes, chosen by `$request.body.action`. */
  routes?: Record<string, WebSocketHandler>;
}

export interface EmulatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface EmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Deployed stages, e.g. `['dev', 'prod']`. */
  stages: string[];
  /** Default `a1b2c3d4e5`. */
  apiId?: string;
  region: string;
  /** Used in the authorizer's methodArn. Default `123456789012`. */
  accountId?: string;
  /** The only credentials whose SigV4 signatures the management API accepts. */
  credentials: EmulatorCredentials;
  /**
   * Where the authorizer's identity is read. Any one present and non-empty is enough; none → 401 without
   * calling the authorizer. Default: query `token` and header `Authorization`.
   */
  identitySources?: string[];
  /** Default 10 minutes. */
  idleTimeoutMs?: number;
  /** Default 2 hours. */
  maxDurationMs?: number;
  /** Default 32 KB; a larger client frame closes the socket with 1009. */
  maxFrameBytes?: number;
  /** Default 131,072; a larger `@connections` POST answers 413. */
  maxPayloadBytes?: number;
  /** New connections accepted per second before 429 LimitExceededException. Default: unlimited. */
  maxNewConnectionsPerSecond?: number;
  /**
   * `@connections` POSTs accepted per second (a token bucket holding at most one second's worth) before 429
   * LimitExceededException, as API Gateway's account throttle answers. Default: unlimited.
   */
  maxPostsPerSecond?: number;
  /** Routes whose integration response is sent back to the client. Default `['$default']`. */
  twoWayRoutes?: string[];
  /** How long a server-side close waits for the client's close frame before cutting TCP. Default 1 s. */
  closeGraceMs?: number;
  /**
   * Other `Host` values clients may use besides the emulator's own address, `localhost` and `127.0.0.1` with
   * its port (`name` means `name:{port}`; `name:port` is taken as is). Any other host is refused with 403, as
   * API Gateway refuses a domain it does not serve. Default none.
   */
  allowedHosts?: string[];
  /** Makes connection ids; tests use it to force ids with `/`, `+` and `=`. Default: AWS-shaped random. */
  connectionIdFactory?: () => string;
  logger?: Logger;
}

export type ResolvedEmulatorOptions = Required<Omit<EmulatorOptions, 'maxNewConnectionsPerSecond' | 'maxPostsPerSecond'>> & {
  maxNewConnectionsPerSecond: number | undefined;
  maxPostsPerSecond: number | undefined;
};

/** Stage names of API Gateway: letters, digits, hyphens and underscores. */
export const STAGE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export const DEFAULT_API_ID = 'a1b2c3d4e5';

export function resolveEmulatorOptions(options: EmulatorOptions): ResolvedEmulatorOptions {
  if (options.stages.length === 0) throw new Error('the emulator needs at least one stage');
  for (const stage of options.stages) {
    if (!STAGE_NAME_PATTERN.test(stage)) throw new Error(`invalid stage name: ${stage}`);
  }
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    stages: [...options.stages],
    apiId: options.apiId ?? DEFAULT_API_ID,
    region: options.region,
    accountId: options.accountId ?? '123456789012',
    credentials: { ...options.credentials },
    identitySources: options.identitySources ?? [
      'route.request.querystring.token',
      'route.request.header.Authorization',
    ],
    idleTimeoutMs: options.idleTimeoutMs ?? 10 * 60_000,
    maxDurationMs: options.maxDurationMs ?? 2 * 60 * 60_000,
    maxFrameBytes: options.maxFrameBytes ?? 32 * 1024,
    maxPayloadBytes: options.maxPayloadBytes ?? 131_072,
    maxNewConnectionsPerSecond: options.maxNewConnectionsPerSecond,
    maxPostsPerSecond: options.maxPostsPerSecond,
    twoWayRoutes: options.twoWayRoutes ?? ['$default'],
    closeGraceMs: options.closeGraceMs ?? 1_000,
    allowedHosts: [...(options.allowedHosts ?? [])],
    connectionIdFactory: options.connectionIdFactory ?? newAwsId,
    logger: options.logger ?? new SilentLogger(),
  };
}
