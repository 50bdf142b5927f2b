import type { McpSession } from './mcp-session.js';

/**
 * The sessions live in this process, least recently used first. Over `maxSize`, the
 * least recently used sessions with nothing in flight (see {@link hold}) are handed to
 * `evict`.
 */
export class LiveSessionCache {
  private readonly sessions = new Map<string, McpSession>();

  constructor(
    private readonly maxSize: number,
    private readonly evict: (session: McpSession) => void,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(sessionId: string): McpSession | undefined {
    return this.sessions.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  add(session: McpSession): void {
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
    this.trim(session);
  }

  /** Marks a session as just used. */
  touch(session: McpSession): void {
    session.lastActivity = Date.now();
    if (this.sessions.get(session.id) !== session) return;
    this.sessions.delete(session.id);
    this.sessions.set(session.id, session);
  }

  remove(sessionId: string): McpSession | undefined {
    const session = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    return session;
  }

  values(): IterableIterator<McpSession> {
    return this.sessions.values();
  }

  /**
   * Counts the session in flight, so no eviction picks it, until the returned function
   * is called (once counts); sessions it kept over `maxSize` may leave then.
   */
  hold(session: McpSession): () => void {
    session.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      session.inFlight--;
      if (session.inFlight === 0) this.trim();
    };
  }

  /** Sessions with nothing in flight whose last activity is before `cutoff`. */
  idleSince(cutoff: number): McpSession[] {
    const idle: McpSession[] = [];
    for (const session of this.sessions.values()) {
      if (session.inFlight === 0 && session.lastActivity < cutoff) idle.push(session);
    }
    return idle;
  }

  /**
   * Over `maxSize`, evicts the least recently used sessions with nothing in flight;
   * never `added`, which is about to serve.
   */
  trim(added?: McpSession): void {
    if (this.sessions.size <= this.maxSize) return;
    for (const session of this.sessions.values()) {
      if (this.sessions.size <= this.maxSize) return;
      if (session.inFlight > 0 || session === added) continue;
      this.sessions.delete(session.id);
      this.evict(session);
    }
  }
}
