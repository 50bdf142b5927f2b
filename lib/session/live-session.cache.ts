import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { McpSession } from './mcp-session.js';

/** A session in the cache, and what the cache and the revalidator keep track of for it. */
export class LiveSession {
  /** Requests and streams being served; a session with any is never evicted. */
  inFlight = 0;
  /** Epoch ms of the last request (start or end). */
  lastActivity = Date.now();
  /**
   * Epoch ms of the last check that the session still exists in the store; a check that
   * failed counts, so that a store that is down is asked once per interval.
   */
  checkedAt = Date.now();

  constructor(readonly session: McpSession) {}

  get id(): string {
    return this.session.id;
  }

  get record(): SessionRecord {
    return this.session.record;
  }

  set record(record: SessionRecord) {
    this.session.record = record;
  }
}

/**
 * The sessions live in this process, least recently used first. Over `maxSize`, the
 * least recently used sessions with nothing in flight (see {@link hold}) are handed to
 * `evict`.
 */
export class LiveSessionCache {
  private readonly sessions = new Map<string, LiveSession>();

  constructor(
    private readonly maxSize: number,
    private readonly evict: (session: McpSession) => void,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  get(sessionId: string): LiveSession | undefined {
    return this.sessions.get(sessionId);
  }

  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  add(session: McpSession): LiveSession {
    const live = new LiveSession(session);
    this.sessions.delete(session.id);
    this.sessions.set(session.id, live);
    this.trim(live);
    return live;
  }

  /** Marks a session as just used. */
  touch(session: McpSession): void {
    const live = this.of(session);
    if (!live) return;
    live.lastActivity = Date.now();
    this.sessions.delete(session.id);
    this.sessions.set(session.id, live);
  }

  remove(sessionId: string): McpSession | undefined {
    const live = this.sessions.get(sessionId);
    this.sessions.delete(sessionId);
    return live?.session;
  }

  values(): IterableIterator<LiveSession> {
    return this.sessions.values();
  }

  /**
   * Counts the session in flight, so no eviction picks it, until the returned function
   * is called (once counts); sessions it kept over `maxSize` may leave then. A session no
   * longer in the cache cannot be evicted, so holding it changes nothing.
   */
  hold(session: McpSession): () => void {
    const live = this.of(session);
    if (!live) return () => undefined;
    live.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      live.inFlight--;
      live.lastActivity = Date.now();
      if (live.inFlight === 0) this.trim();
    };
  }

  /** Sessions with nothing in flight whose last activity is before `cutoff`. */
  idleSince(cutoff: number): McpSession[] {
    const idle: McpSession[] = [];
    for (const live of this.sessions.values()) {
      if (live.inFlight === 0 && live.lastActivity < cutoff) idle.push(live.session);
    }
    return idle;
  }

  /**
   * Over `maxSize`, evicts the least recently used sessions with nothing in flight;
   * never `added`, which is about to serve.
   */
  private trim(added?: LiveSession): void {
    if (this.sessions.size <= this.maxSize) return;
    for (const live of this.sessions.values()) {
      if (this.sessions.size <= this.maxSize) return;
      if (live.inFlight > 0 || live === added) continue;
      this.sessions.delete(live.id);
      this.evict(live.session);
    }
  }

  /** The cache's entry for this very session object, if it is live. */
  private of(session: McpSession): LiveSession | undefined {
    const live = this.sessions.get(session.id);
    return live?.session === session ? live : undefined;
  }
}
