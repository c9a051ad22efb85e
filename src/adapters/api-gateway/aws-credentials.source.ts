import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { AwsCredentials } from './sigv4.signer.js';

/** Where the signer takes its credentials from, on every request. */
export interface CredentialsSource {
  /** Credentials valid now; rejects when none can be found. */
  get(): Promise<AwsCredentials>;
}

/** Fixed credentials (the local stack, tests). */
export class StaticCredentialsSource implements CredentialsSource {
  private readonly credentials: Promise<AwsCredentials>;

  constructor(credentials: AwsCredentials) {
    this.credentials = Promise.resolve({ ...credentials });
  }

  get(): Promise<AwsCredentials> {
    return this.credentials;
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
  private current: AwsCredentials | undefined;
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
    const current = this.current;
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

  private refresh(): Promise<AwsCredentials> {
    this.refreshing ??= this.provider().then(
      (credentials) => {
        this.current = credentials;
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
