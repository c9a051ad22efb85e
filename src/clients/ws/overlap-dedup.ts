/**
 * Drops the copies of plain (unsequenced) messages while two sockets of the client are open at once, during a
 * rotation: both sockets belong to the same user, so the service posts each message to both. Messages are
 * compared by their text and counted per socket; a message is delivered when its socket has now seen it more
 * often than it was delivered, so a text legitimately sent twice is still delivered twice. Only active between
 * `begin()` and `end()`; outside a rotation every message is delivered.
 */
export class OverlapDeduplicator {
  private readonly seen = new Map<number, Map<string, number>>();
  private readonly delivered = new Map<string, number>();
  private active = false;

  constructor(private readonly maxTracked = 10_000) {}

  get isActive(): boolean {
    return this.active;
  }

  begin(): void {
    this.active = true;
  }

  end(): void {
    this.active = false;
    this.seen.clear();
    this.delivered.clear();
  }

  /** True when the text is to be delivered; false for the copy of one already delivered from the other socket. */
  accept(socket: number, text: string): boolean {
    if (!this.active) return true;
    let counts = this.seen.get(socket);
    if (!counts) this.seen.set(socket, (counts = new Map()));
    if (!counts.has(text) && this.delivered.size >= this.maxTracked) return true;
    const count = (counts.get(text) ?? 0) + 1;
    counts.set(text, count);
    if (count > (this.delivered.get(text) ?? 0)) {
      this.delivered.set(text, count);
      return true;
    }
    return false;
  }
}
