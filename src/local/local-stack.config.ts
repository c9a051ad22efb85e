import { join } from 'node:path';
import { ConfigError, EnvReader, loadServerConfig, type Env, type ServerConfig } from '../app/config.js';
import { STAGE_NAME_PATTERN } from './emulator/emulator-options.js';

/** Configuration of the local stack (`npm start`): every value has an embedded local default. */
export interface LocalStackConfig extends ServerConfig {
  /** Where the emulator listens (`WS_HOST`, `WS_PORT`). */
  wsHost: string;
  wsPort: number;
  wsStages: string[];
  wsApiId: string;
  wsIdleTimeoutMs: number;
  wsMaxDurationMs: number;
  /** More `Host` names the emulator answers on (`WS_ALLOWED_HOSTS`); any other host is refused with 403. */
  wsAllowedHosts: string[];
  jwtSecret: string;
  /** The local credentials: the SDK signs with them, the emulator verifies with them. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Key printed in the banner when NOTIFY_API_KEYS was not set. */
  defaultApiKeyUsed: boolean;
  /** Where `npm start` writes the running stack's URLs and secrets for the local tools. */
  stateFile: string;
  /** `LOG_EVENTS=1`: log every event the handlers get, tokens redacted. */
  logEvents: boolean;
}

/** Silences the AWS SDK's "will need Node 22" notice in local processes (unless the variable is set). */
export function quietSdkNodeNotice(env: Env = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

/** `SOCKETPOST_STATE_FILE`, else `.socketpost/local-stack.json` in the project folder (npm scripts run there). */
export function localStateFilePath(env: Env = process.env): string {
  const path = env.SOCKETPOST_STATE_FILE?.trim();
  return path ? path : join(process.cwd(), '.socketpost', 'local-stack.json');
}

export const LOCAL_DEFAULTS = {
  apiKey: 'local-dev-key-not-for-production',
  jwtSecret: 'socketpost-local-jwt-secret-not-for-production',
  accessKeyId: 'AKIASOCKETPOSTLOCAL',
  secretAccessKey: 'socketpost-local-secret-access-key',
} as const;

export function loadLocalStackConfig(env: Env = process.env): LocalStackConfig {
  const defaultApiKeyUsed = !env.NOTIFY_API_KEYS?.trim();
  const r = new EnvReader(env);
  let server: ServerConfig | undefined;
  try {
    server = loadServerConfig({
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
      NOTIFY_API_KEYS: defaultApiKeyUsed ? LOCAL_DEFAULTS.apiKey : env.NOTIFY_API_KEYS,
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    r.problems.push(...error.problems);
  }
  const wsStages = r
    .string('WS_STAGES', 'dev,prod')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  r.check(
    wsStages.length > 0 && wsStages.every((s) => STAGE_NAME_PATTERN.test(s)),
    `WS_STAGES must be comma-separated stage names of A-Z a-z 0-9 _ - (got "${env.WS_STAGES}")`,
  );
  const wsApiId = r.string('WS_API_ID', 'a1b2c3d4e5');
  r.check(/^[a-z0-9]{1,64}$/.test(wsApiId), `WS_API_ID must be lowercase letters and digits (got "${wsApiId}")`);
  const jwtSecret = r.string('JWT_SECRET', LOCAL_DEFAULTS.jwtSecret);
  r.check(jwtSecret.length >= 32, 'JWT_SECRET must be at least 32 characters');
  return r.done({
    ...(server as ServerConfig),
    wsHost: r.string('WS_HOST', '127.0.0.1'),
    wsPort: r.int('WS_PORT', 3001, 0, 65_535),
    wsStages,
    wsApiId,
    wsIdleTimeoutMs: r.int('WS_IDLE_TIMEOUT_MS', 10 * 60_000, 100, 24 * 3_600_000),
    wsMaxDurationMs: r.int('WS_MAX_DURATION_MS', 2 * 3_600_000, 100, 24 * 3_600_000),
    wsAllowedHosts: (r.optional('WS_ALLOWED_HOSTS') ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    jwtSecret,
    credentials: {
      accessKeyId: r.string('AWS_ACCESS_KEY_ID', LOCAL_DEFAULTS.accessKeyId),
      secretAccessKey: r.string('AWS_SECRET_ACCESS_KEY', LOCAL_DEFAULTS.secretAccessKey),
    },
    defaultApiKeyUsed,
    stateFile: localStateFilePath(env),
    logEvents: ['1', 'true'].includes(r.oneOf('LOG_EVENTS', ['0', '1', 'true', 'false'], '0')),
  });
}
