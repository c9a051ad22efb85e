import { SignJWT } from 'jose';

/** Mints HS256 tokens that the local/dev authorizer accepts (`npm run token`, tests). */
export async function issueLocalToken(
  secret: string,
  userId: string,
  options: { ttlSeconds?: number; issuer?: string; audience?: string; groups?: string[] } = {},
): Promise<string> {
  let jwt = new SignJWT(options.groups ? { groups: options.groups } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(`${options.ttlSeconds ?? 3600}s`);
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
