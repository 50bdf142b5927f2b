/**
 * Ids of sessions deleted through this process, each remembered for `ttlMs` (as long as
 * its record could have lived), so that a restore racing the delete cannot revive it.
 */
export class DeletedSessions {
  /** Id → expiry (epoch ms), in insertion order, so expired ids are found at the front. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  add(sessionId: string): void {
    const now = Date.now();
    for (const [id, expiresAt] of this.expiries) {
      if (expiresAt > now) break;
      this.expiries.delete(id);
    }
    this.expiries.set(sessionId, now + this.ttlMs);
  }

  has(sessionId: string): boolean {
    const expiresAt = this.expiries.get(sessionId);
    return expiresAt !== undefined && expiresAt > Date.now();
  }
}
