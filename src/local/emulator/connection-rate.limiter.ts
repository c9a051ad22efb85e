/** New connections per one-second window, for API Gateway's 429 on `$connect` bursts. */
export class ConnectionRateLimiter {
  private windowStart = 0;
  private count = 0;

  constructor(private readonly perSecond: number) {}

  tryAcquire(now = Date.now()): boolean {
    if (now - this.windowStart >= 1_000) {
      this.windowStart = now;
      this.count = 0;
    }
    if (this.count >= this.perSecond) return false;
    this.count += 1;
    return true;
  }
}
