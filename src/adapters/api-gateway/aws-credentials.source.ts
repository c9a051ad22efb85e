import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentials } from './sigv4.signer.js';

/** Where the signer takes its credentials from, on every request. */
export interface CredentialsSource {
  /** Credentials valid now; rejects when none can be found. */
  get(): Promise<AwsCredentials>;
  /**
   * The credentials to sign with right now when they are at hand without waiting (cached and not about to
   * expire), else undefined: the caller then awaits `get()`. Optional; it saves a fan-out one await per post.
   */
  current?(): AwsCredentials | undefined;
}

/** Fixed credentials (the local stack, tests). */
export class StaticCredentialsSource implements CredentialsSource {
  private readonly credentials: Promise<AwsCredentials>;

  private readonly value: AwsCredentials;

  constructor(credentials: AwsCredentials) {
    this.value = { ...credentials };
    this.credentials = Promise.resolve(this.value);
  }

  get(): Promise<AwsCredentials> {
    return this.credentials;
  }

  current(): AwsCredentials {
    return this.value;
  }
}

export interface RefreshingCredentialsOptions {
  /** Fetch new credentials this long before the current ones expire (default 5 minutes). */
  refreshBeforeMs?: number;
  now?: () => number;
}

/**
 * Credentials from a provider (by default the AWS SDK's standard chain: environment, SSO, shared files,
 * web identity, ECS task role, EC2 instance role), kept until shortly before they expire. On Lambda and
 * Fargate the role's credentials rotate, so they are never read once at start: inside the refresh window
 * the next ones are fetched in the background while the current ones still sign; once expired, every
 * caller waits for the one fetch under way.
 */
export class RefreshingCredentialsSource implements CredentialsSource {
  private cached: AwsCredentials | undefined;
  private refreshing: Promise<AwsCredentials> | undefined;
  private readonly refreshBeforeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly provider: () => Promise<AwsCredentials> = defaultProvider(),
    options: RefreshingCredentialsOptions = {},
  ) {
    this.refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  get(): Promise<AwsCredentials> {
    const current = this.cached;
    if (current) {
      const expiresAt = current.expiration?.getTime();
      if (expiresAt === undefined) return Promise.resolve(current);
      const left = expiresAt - this.now();
      if (left > this.refreshBeforeMs) return Promise.resolve(current);
      if (left > 0) {
        // Still valid: sign with these, and fetch the next ones once in the background.
        this.refresh().catch(() => undefined);
        return Promise.resolve(current);
      }
    }
    return this.refresh();
  }

  /** The cached credentials while they are outside the refresh window; undefined when `get()` has work to do. */
  current(): AwsCredentials | undefined {
    const current = this.cached;
    if (!current) return undefined;
    const expiresAt = current.expiration?.getTime();
    return expiresAt === undefined || expiresAt - this.now() > this.refreshBeforeMs ? current : undefined;
  }

  private refresh(): Promise<AwsCredentials> {
    this.refreshing ??= this.provider().then(
      (credentials) => {
        this.cached = credentials;
        this.refreshing = undefined;
        return credentials;
      },
      (error: unknown) => {
        this.refreshing = undefined;
        throw error;
      },
    );
    return this.refreshing;
  }
}
