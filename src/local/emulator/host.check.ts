/**
 * API Gateway answers only on its own domains: a request whose `Host` names anything else is refused before
 * any route, authorizer or Lambda runs. The emulator does the same with the hosts it really listens on — its
 * `host:port`, `localhost:port`, `127.0.0.1:port` and `[::1]:port` — plus configured aliases, because the
 * `domainName` of every event (and so the management endpoint recorded at `$connect`) comes from that header.
 */
export class HostCheck {
  private readonly allowed = new Set<string>();

  /**
   * @param host the address the emulator listens on
   * @param aliases more names clients may use (`ws.local.test`, or `name:port` for another port)
   */
  constructor(
    private readonly host: string,
    private readonly aliases: readonly string[],
  ) {}

  /** Called once the port is known (it may have been 0 = any). */
  listening(port: number): void {
    this.allowed.clear();
    const names = ['localhost', '127.0.0.1', '[::1]', bracketed(this.host)];
    for (const alias of this.aliases) {
      const name = alias.trim().toLowerCase();
      if (!name) continue;
      if (/:\d+$/.test(name) && !name.endsWith(']')) this.allowed.add(name);
      else names.push(bracketed(name));
    }
    for (const name of names) {
      this.allowed.add(`${name.toLowerCase()}:${port}`);
      // A client on the default HTTP port may leave the port out.
      if (port === 80) this.allowed.add(name.toLowerCase());
    }
  }

  allows(hostHeader: string | undefined): boolean {
    return hostHeader !== undefined && this.allowed.has(hostHeader.trim().toLowerCase());
  }

  /** What the refusal's log line and the docs list. */
  get hosts(): string[] {
    return [...this.allowed];
  }
}

function bracketed(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
