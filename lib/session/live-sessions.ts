import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { ErrorMessages } from '../errors/json-rpc-error.messages.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import { MCP_RESOLVED_OPTIONS } from '../mcp.constants.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { RequestId } from '../sdk/protocol.js';
import { DeletedSessions } from './deleted-sessions.js';
import { LiveSessionCache, type LiveSession } from './live-session.cache.js';
import type { McpSession } from './mcp-session.js';
import { SessionRecordRepository } from './session-record.repository.js';

/**
 * The sessions live in this process, and their lifecycle: made live, held while they
 * serve, dropped from memory, closed. Deleted ids are remembered, so that a restore
 * racing a delete cannot revive one. Internal: the public API is `McpSessionManager`.
 */
@Injectable()
export class LiveSessions implements BeforeApplicationShutdown {
  private readonly logger = new Logger('McpSessionManager');
  private readonly cache: LiveSessionCache;
  private readonly deleted: DeletedSessions;
  private drainStarted = false;

  constructor(
    private readonly records: SessionRecordRepository,
    @Inject(MCP_RESOLVED_OPTIONS) options: ResolvedMcpOptions,
  ) {
    this.deleted = new DeletedSessions(options.sessionTtlMs);
    this.cache = new LiveSessionCache(options.maxLiveSessions, (session) => this.close(session));
  }

  /** Whether shutdown has begun (see {@link drain}): new work is refused from then on. */
  get draining(): boolean {
    return this.drainStarted;
  }

  get size(): number {
    return this.cache.size;
  }

  get(sessionId: string): LiveSession | undefined {
    return this.cache.get(sessionId);
  }

  values(): LiveSession[] {
    return [...this.cache.values()];
  }

  /** Sessions with nothing in flight whose last activity is before `cutoff`. */
  idleSince(cutoff: number): McpSession[] {
    return this.cache.idleSince(cutoff);
  }

  isDeleted(sessionId: string): boolean {
    return this.deleted.has(sessionId);
  }

  /** Remembers a deleted id, and closes the session if it is live here. */
  async markDeleted(sessionId: string): Promise<void> {
    this.deleted.add(sessionId);
    const session = this.cache.remove(sessionId);
    if (session) await this.close(session);
  }

  /**
   * Counts a request or stream as in flight on the session until `release` is called;
   * a session with anything in flight is never evicted.
   */
  acquire(session: McpSession): () => void {
    this.cache.touch(session);
    return this.cache.hold(session);
  }

  /**
   * Runs `work` with the session held, and keeps it held one turn of the event loop
   * more: the request that looked the session up acquires it before then, so no
   * eviction can pick it in between.
   */
  async whileHeld<T>(session: McpSession, work: () => Promise<T>): Promise<T> {
    const release = this.cache.hold(session);
    try {
      return await work();
    } finally {
      setImmediate(release);
    }
  }

  /**
   * Makes a built session live. Once the store is closed to this process (shutdown: the
   * live sessions are being closed), it closes the session instead and throws
   * `SessionStoreUnavailableError` (503).
   */
  async activate(session: McpSession): Promise<McpSession> {
    try {
      this.records.ensureOpen('activate');
    } catch (error) {
      await this.close(session);
      throw error;
    }
    this.follow(session);
    this.cache.add(session);
    // Held like a looked-up session (see whileHeld) until its requests acquire it.
    setImmediate(this.cache.hold(session));
    return session;
  }

  /** Replaces the live session with this id, if any, closing it. */
  async replace(sessionId: string): Promise<void> {
    const previous = this.cache.remove(sessionId);
    if (previous) await this.close(previous);
  }

  /** Takes a session out of memory and closes it; its record stays in the store. */
  async drop(session: McpSession): Promise<void> {
    if (this.cache.get(session.id)?.session === session) this.cache.remove(session.id);
    await this.close(session);
  }

  /** Closes a session built for an id deleted meanwhile; says whether it did. */
  async closeIfDeleted(session: McpSession): Promise<boolean> {
    if (!this.deleted.has(session.id)) return false;
    await this.close(session);
    return true;
  }

  async close(session: McpSession): Promise<void> {
    await session.close().catch((error: unknown) => {
      this.logger.warn(`Error while closing session ${session.id}: ${String(error)}`);
    });
  }

  /**
   * At shutdown: lets the client requests in flight finish within `graceMs` (no longer
   * than they take), answers those still running with a JSON-RPC error saying the server
   * is shutting down, so their clients retry, then closes the live sessions and their
   * streams. Open GET streams are not waited for.
   */
  async drain(graceMs: number): Promise<void> {
    this.drainStarted = true;
    await this.settled(graceMs);
    const cutOff = this.values().filter(({ session }) => session.channel.requestsInFlight > 0);
    if (cutOff.length > 0) {
      const count = cutOff.reduce((sum, { session }) => sum + session.channel.requestsInFlight, 0);
      const grace = `shutdownGraceMs (${graceMs} ms)`;
      this.logger.warn(
        `Shutting down: ${count} request(s) still running after ${grace} get an error`,
      );
      const message = ErrorMessages.shutDownInFlight;
      await Promise.all(cutOff.map(({ session }) => session.channel.failInFlight(message)));
    }
    await this.closeAll();
  }

  /** Closes live sessions (and their open SSE streams) so the HTTP server can stop. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.closeAll();
  }

  /**
   * Keeps the session live until each request is answered or cancelled (the HTTP
   * exchange may end first: the client disconnects, or a tool closes its SSE stream and
   * the answer goes to the event store), and stores the logging level the client sets.
   */
  private follow(session: McpSession): void {
    const { channel } = session;
    const holds = new Map<RequestId, () => void>();
    channel.on('requestStarted', (id) => holds.set(id, this.acquire(session)));
    channel.on('requestAnswered', (id) => {
      holds.get(id)?.();
      holds.delete(id);
    });
    channel.on('loggingLevelChanged', (loggingLevel) => this.saveChange(session, { loggingLevel }));
    channel.on('subscriptionsChanged', (subscriptions) =>
      this.saveChange(session, { subscriptions }),
    );
  }

  /** Resolves once no live session has a client request awaiting its answer, or after `ms`. */
  private settled(ms: number): Promise<void> {
    const busy = () => this.values().some(({ session }) => session.channel.requestsInFlight > 0);
    if (!busy()) return Promise.resolve();
    const channels = this.values().map(({ session }) => session.channel);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        for (const channel of channels) {
          channel.off('requestAnswered', check).off('closed', check);
        }
        resolve();
      };
      const check = () => {
        if (!busy()) done();
      };
      const timer = setTimeout(done, ms);
      for (const channel of channels) channel.on('requestAnswered', check).on('closed', check);
    });
  }

  private async closeAll(): Promise<void> {
    await Promise.all(this.values().map(({ session }) => this.drop(session)));
  }

  /** Stores what the client changed in the session, on the record as stored now. */
  private saveChange(
    session: McpSession,
    change: Pick<SessionRecord, 'loggingLevel'> | Pick<SessionRecord, 'subscriptions'>,
  ): void {
    this.records.saveChange(session.id, change).then(
      (record) => {
        if (record) session.record = record;
      },
      (error: unknown) =>
        this.logger.warn(`Could not store a change of session ${session.id}: ${String(error)}`),
    );
  }
}
