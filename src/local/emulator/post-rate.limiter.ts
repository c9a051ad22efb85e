/**
 * API Gateway's account-level request throttle for `@connections` posts: a token bucket refilled at
 * `perSecond`, holding at most `burst` tokens. A post finding it empty answers 429 LimitExceededException.
 */
export class PostRateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number = perSecond,
    now = Date.now(),
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError('maxPostsPerSecond must be positive');
    this.tokens = burst;
    this.last = now;
  }

  tryAcquire(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1_000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
