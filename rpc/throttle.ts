// Slows a login brute force: after `freeAttempts` failures from one client address, every
// further attempt from it is refused unchecked until a back-off has passed; the back-off doubles
// with each failure (up to a ceiling) and a successful login clears it.
import type { LoginThrottleSettings } from './settings.js';

interface Record {
  failures: number;
  blockedUntil: number;
}

/** Bound on remembered addresses, so a spray of sources cannot grow memory without limit. */
const MAX_TRACKED = 10_000;

export class LoginThrottle {
  private readonly clients = new Map<string, Record>();

  constructor(private readonly settings: LoginThrottleSettings, private readonly now: () => number = Date.now) {}

  /** Milliseconds this client must still wait before its next attempt is checked (0: go ahead). */
  waitFor(client: string): number {
    const r = this.clients.get(client);
    return r ? Math.max(0, r.blockedUntil - this.now()) : 0;
  }

  failed(client: string): void {
    let r = this.clients.get(client);
    if (!r) {
      if (this.clients.size >= MAX_TRACKED) this.clients.delete(this.clients.keys().next().value!);
      r = { failures: 0, blockedUntil: 0 };
      this.clients.set(client, r);
    }
    r.failures++;
    const over = r.failures - this.settings.freeAttempts;
    if (over >= 0) {
      const delay = Math.min(this.settings.backoffMs * 2 ** Math.min(over, 30), this.settings.maxBackoffMs);
      r.blockedUntil = this.now() + delay;
    }
  }

  succeeded(client: string): void {
    this.clients.delete(client);
  }
}
