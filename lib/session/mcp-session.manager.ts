import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { McpEventStore } from '../interfaces/mcp-event-store.interface.js';
import {
  SESSION_RECORD_VERSION,
  type SessionRecord,
} from '../interfaces/session-record.interface.js';
import { MCP_EVENT_STORE } from '../mcp.constants.js';
import { negotiateProtocolVersion, type InitializeRequest } from '../sdk/protocol.js';
import { LiveSessions } from './live-sessions.js';
import type { McpSession } from './mcp-session.js';
import { SessionBusRelay } from './session-bus.relay.js';
import { SessionRecordRepository } from './session-record.repository.js';
import { SessionRestorer, type ResolvedSession } from './session-restorer.js';

export type { ResolvedSession } from './session-restorer.js';

/**
 * The sessions of this server. The store is the source of truth; sessions live in this
 * process are a cache that may lose any entry and rebuild it from the store on demand.
 * Inject it with `@InjectSessionManager()`.
 *
 * Methods that touch the store throw `SessionStoreUnavailableError` when it fails.
 */
@Injectable()
export class McpSessionManager {
  private readonly logger = new Logger('McpSessionManager');

  constructor(
    private readonly records: SessionRecordRepository,
    private readonly live: LiveSessions,
    private readonly restorer: SessionRestorer,
    private readonly bus: SessionBusRelay,
    @Inject(MCP_EVENT_STORE) private readonly eventStore: McpEventStore | null,
  ) {}

  /** Number of sessions live in this process. */
  get liveCount(): number {
    return this.live.size;
  }

  /**
   * Whether shutdown has begun: the requests in flight may finish within
   * `shutdownGraceMs`, and new work is refused with 503 so that clients go elsewhere.
   */
  get shuttingDown(): boolean {
    return this.live.draining;
  }

  isLive(sessionId: string): boolean {
    return this.live.get(sessionId) !== undefined;
  }

  /**
   * Starts a session for an `initialize` request. Its record is saved first, so an id is
   * only ever handed out for a session that can be restored.
   */
  async create(
    initializeParams: InitializeRequest['params'],
    principal?: string,
  ): Promise<McpSession> {
    const now = Date.now();
    const record: SessionRecord = {
      v: SESSION_RECORD_VERSION,
      sessionId: randomUUID(),
      initializeParams,
      protocolVersion: negotiateProtocolVersion(initializeParams.protocolVersion),
      principal,
      createdAt: now,
      updatedAt: now,
    };
    await this.records.save(record);
    return this.live.activate(await this.restorer.build(record));
  }

  /**
   * The session with this id if `principal` owns it: the live one, or one rebuilt from
   * the store. Concurrent callers for one cold id share a single restore.
   *
   * @returns `undefined` when the session is unknown, expired, deleted, unreadable or not theirs.
   */
  async get(sessionId: string, principal?: string): Promise<ResolvedSession | undefined> {
    return this.restorer.resolve(sessionId, principal);
  }

  /**
   * Re-initializes a stored session in place (a client that sends `initialize` with the
   * id it had): same id, new initialize params, restore hooks called with `reinitialize`.
   *
   * @returns `undefined` when there is no such session of this principal.
   */
  async reinitialize(
    sessionId: string,
    initializeParams: InitializeRequest['params'],
    principal?: string,
  ): Promise<ResolvedSession | undefined> {
    return this.restorer.reinitialize(sessionId, initializeParams, principal);
  }

  /**
   * Ends a session of `principal` here and in the store, so no instance can restore it.
   *
   * @returns false when there is no such session of this principal.
   */
  async terminate(sessionId: string, principal?: string): Promise<boolean> {
    const record = this.live.get(sessionId)?.record ?? (await this.records.load(sessionId));
    if (!record || record.principal !== principal) return false;
    await this.records.delete(sessionId);
    await this.live.markDeleted(sessionId);
    await this.bus.publishDeleted(sessionId);
    // An evicted session keeps its events, since it may be resumed; a terminated one not.
    await this.eventStore?.deleteSession(sessionId);
    return true;
  }

  /**
   * Drops a session from memory only; its next request restores it from the store.
   *
   * @returns false when the session was not live.
   */
  async evict(sessionId: string): Promise<boolean> {
    const live = this.live.get(sessionId);
    if (!live) return false;
    await this.live.drop(live.session);
    return true;
  }

  /**
   * Counts a request or stream as in flight on the session until `release` is called;
   * a session with anything in flight is never evicted. For the HTTP layer.
   */
  acquire(session: McpSession): () => void {
    return this.live.acquire(session);
  }

  /** Forgets a new session whose `initialize` the transport refused, here and in the store. */
  async discard(session: McpSession): Promise<void> {
    await this.live.drop(session);
    await this.records.delete(session.id).catch((error: unknown) => {
      this.logger.warn(
        `Could not delete the record of refused session ${session.id}: ${String(error)}`,
      );
    });
  }
}
