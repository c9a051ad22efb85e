import { issueLocalToken } from '../adapters/auth/jose-token.issuer.js';
import { DEFAULT_JWT_MAX_TTL_SECONDS } from '../adapters/auth/jose-token.verifier.js';
import { ConfigError } from '../app/config.js';
import { loadLocalStackConfig, localStateFilePath } from './local-stack.config.js';
import { noStackMessage, readLocalStackState } from './local-stack.state.js';

/**
 * `npm run token -- alice [--ttl 3600]`: prints a JWT that the running local stack's authorizer accepts,
 * signed with the secret from the state file `npm start` writes. With no stack running it still prints a
 * token, signed with `JWT_SECRET` or the default local secret, and says so on stderr.
 */
async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  let ttlSeconds = 3600;
  const ttlAt = args.indexOf('--ttl');
  if (ttlAt >= 0) {
    const value = Number(args[ttlAt + 1]);
    // The authorizer refuses tokens that live longer than JWT_MAX_TTL_SECONDS (24 h by default).
    if (!Number.isInteger(value) || value <= 0 || value > DEFAULT_JWT_MAX_TTL_SECONDS) {
      throw new UsageError(`--ttl takes a whole number of seconds from 1 to ${DEFAULT_JWT_MAX_TTL_SECONDS} (the authorizer's 24 h cap)`);
    }
    ttlSeconds = value;
    args.splice(ttlAt, 2);
  }
  const [userId, ...rest] = args;
  if (!userId || rest.length > 0 || userId.startsWith('-')) throw new UsageError('usage: npm run token -- <userId> [--ttl seconds]');
  if (userId.length > 128) throw new UsageError('the user id must be at most 128 characters');
  const lookup = readLocalStackState(localStateFilePath());
  let jwtSecret: string;
  if (lookup.found) {
    jwtSecret = lookup.state.jwtSecret;
  } else {
    jwtSecret = loadLocalStackConfig().jwtSecret;
    console.error(
      `socketpost: ${noStackMessage(lookup)}. ` +
        'This token is signed with JWT_SECRET or the default local secret, which a stack started the same way accepts.',
    );
  }
  console.log(await issueLocalToken(jwtSecret, userId, { ttlSeconds }));
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof UsageError || error instanceof ConfigError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
