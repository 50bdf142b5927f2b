import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type InitializeRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import {
  SESSION_RECORD_VERSION,
  type SessionRecord,
} from '../interfaces/session-record.interface.js';
import type { SessionRestoreMarker } from '../interfaces/session-restore-marker.interface.js';
import { DeletedSessions } from './deleted-sessions.js';
import { replayInitialize } from './initialize-replay.js';
import { LiveSessionCache } from './live-session.cache.js';
import { McpSessionFactory } from './mcp-session.factory.js';
import type { McpSession } from './mcp-session.js';
import { SessionRecordRepository } from './session-record.repository.js';
import { SessionRestoreNotifier } from './session-restore.notifier.js';
import { holdUntilAnswered } from './pending-answers.js';
import { SessionRevalidator } from './session.revalidator.js';
import { SingleFlight } from './single-flight.js';

/** A session ready to serve a request, and the restore that request waited for, if any. */
export interface ResolvedSession {
  session: McpSession;
  restore?: SessionRestoreMarker;
}

const negotiate = (requested: string) =>
  SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;

/**
 * Owns the sessions live in this process. The store is the source of truth; live
 * sessions are a cache that may lose any entry and rebuild it from the store on demand.
 * Inject it with `@InjectSessionManager()`.
 *
 * Methods that touch the store throw `SessionStoreUnavailableError` when it fails.
 */
@Injectable()
export class McpSessionManager implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('McpSessionManager');
  private readonly live: LiveSessionCache;
  private readonly pending = new SingleFlight<string, ResolvedSession | undefined>();
  private readonly deleted: DeletedSessions;
  private readonly revalidator: SessionRevalidator;
  private timer?: NodeJS.Timeout;
  /** The round of periodic work in progress, if any. */
  private maintenance?: Promise<void>;

  constructor(
    private readonly records: SessionRecordRepository,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly factory: McpSessionFactory,
    private readonly notifier: SessionRestoreNotifier,
  ) {
    this.deleted = new DeletedSessions(options.sessionTtlMs);
    this.live = new LiveSessionCache(options.maxLiveSessions, (session) => this.close(session));
    this.revalidator = new SessionRevalidator(records, options, (session) => this.drop(session));
  }

  /** Number of sessions live in this process. */
  get liveCount(): number {
    return this.live.size;
  }

  isLive(sessionId: string): boolean {
    return this.live.has(sessionId);
  }

  onModuleInit(): void {
    // Twice per interval, so active sessions are rechecked before a request would have to.
    const every = Math.min(this.options.revalidateIntervalMs / 2, this.options.idleTimeoutMs);
    this.timer = setInterval(() => {
      this.maintenance ??= this.maintain().finally(() => (this.maintenance = undefined));
    }, every).unref();
  }

  /**
   * As shutdown begins, before the modules the store depends on are destroyed: ends the
   * periodic work (waiting for a round in progress), then closes the store to this
   * process, so requests still arriving get 503 (see `SessionRecordRepository.close`).
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.maintenance;
    this.records.close();
  }

  /** Closes live sessions (and their open SSE streams) so the HTTP server can stop. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.live.values()].map((session) => this.drop(session)));
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
      protocolVersion: negotiate(initializeParams.protocolVersion),
      principal,
      createdAt: now,
      updatedAt: now,
    };
    await this.records.save(record);
    return this.activate(await this.factory.create(record));
  }

  /**
   * The session with this id if `principal` owns it: the live one, or one rebuilt from
   * the store. Concurrent callers for one cold id share a single restore.
   *
   * @returns `undefined` when the session is unknown, expired, deleted, unreadable or not theirs.
   */
  async get(sessionId: string, principal?: string): Promise<ResolvedSession | undefined> {
    return this.resolve(sessionId, principal, false);
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
    if (this.deleted.has(sessionId)) return undefined;
    // Joins nothing: the initialize params are this caller's own.
    return this.pending.runAfter(sessionId, async () => {
      const stored = await this.records.load(sessionId);
      if (!stored || stored.principal !== principal) return undefined;
      const record: SessionRecord = {
        ...stored,
        initializeParams,
        protocolVersion: negotiate(initializeParams.protocolVersion),
        loggingLevel: undefined,
        updatedAt: Date.now(),
      };
      await this.records.save(record);
      const previous = this.live.remove(sessionId);
      if (previous) await this.close(previous);
      const session = await this.factory.create(record);
      const restore = await this.notifier.announce(record, 'reinitialize');
      if (await this.closeIfDeleted(session)) return undefined;
      return { session: await this.activate(session), restore };
    });
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
    this.deleted.add(sessionId);
    const session = this.live.remove(sessionId);
    if (session) await this.close(session);
    await this.factory.discardEvents(sessionId);
    return true;
  }

  /**
   * Drops a session from memory only; its next request restores it from the store.
   *
   * @returns false when the session was not live.
   */
  async evict(sessionId: string): Promise<boolean> {
    const session = this.live.get(sessionId);
    if (!session) return false;
    await this.drop(session);
    return true;
  }

  /**
   * Counts a request or stream as in flight on the session until `release` is called;
   * a session with anything in flight is never evicted.
   */
  acquire(session: McpSession): () => void {
    this.live.touch(session);
    const release = this.live.hold(session);
    return () => {
      session.lastActivity = Date.now();
      release();
    };
  }

  /** Forgets a new session whose `initialize` the transport refused, here and in the store. */
  async discard(session: McpSession): Promise<void> {
    await this.drop(session);
    await this.records.delete(session.id).catch((error: unknown) => {
      this.logger.warn(
        `Could not delete the record of refused session ${session.id}: ${String(error)}`,
      );
    });
  }

  private async resolve(
    sessionId: string,
    principal: string | undefined,
    retried: boolean,
  ): Promise<ResolvedSession | undefined> {
    const session = this.live.get(sessionId);
    if (session) {
      // Before any store check: another principal's request must not refresh the TTL.
      if (session.record.principal !== principal) return undefined;
      const current = await this.whileHeld(session, () => this.revalidator.isCurrent(session));
      return current ? { session } : undefined;
    }
    if (this.deleted.has(sessionId)) return undefined;
    const joined = this.pending.get(sessionId);
    if (!joined) return this.pending.run(sessionId, () => this.restore(sessionId, principal));
    const resolved = await joined;
    if (resolved) return resolved.session.record.principal === principal ? resolved : undefined;
    // That flight may have been refused to another principal: look once more for ours.
    return retried ? undefined : this.resolve(sessionId, principal, true);
  }

  /**
   * Runs `work` with the session held (see `LiveSessionCache.hold`), and keeps it held one turn of
   * the event loop more: the request that looked the session up acquires it before then,
   * so no eviction can pick it in between.
   */
  private async whileHeld<T>(session: McpSession, work: () => Promise<T>): Promise<T> {
    const release = this.live.hold(session);
    try {
      return await work();
    } finally {
      setImmediate(release);
    }
  }

  /** Rebuilds a stored session, unless it is not `principal`'s: then nothing is built or called. */
  private async restore(
    sessionId: string,
    principal?: string,
  ): Promise<ResolvedSession | undefined> {
    const record = await this.records.load(sessionId);
    if (!record || record.principal !== principal) return undefined;
    const session = await this.factory.create(record);
    try {
      await replayInitialize(session);
    } catch (error) {
      await this.close(session);
      this.logger.warn(
        `Session ${sessionId} could not be restored and is treated as unknown: ${String(error)}`,
      );
      return undefined;
    }
    if (await this.closeIfDeleted(session)) return undefined;
    const restore = await this.notifier.announce(record, 'restore');
    // A DELETE may have come while the restore hooks ran.
    if (await this.closeIfDeleted(session)) return undefined;
    return { session: await this.activate(session), restore };
  }

  /** Closes a session built for an id deleted meanwhile; says whether it did. */
  private async closeIfDeleted(session: McpSession): Promise<boolean> {
    if (!this.deleted.has(session.id)) return false;
    await this.close(session);
    return true;
  }

  /**
   * Makes a built session live. Once the store is closed to this process (shutdown: the
   * live sessions are being closed), it closes the session instead and throws
   * `SessionStoreUnavailableError` (503).
   */
  private async activate(session: McpSession): Promise<McpSession> {
    try {
      this.records.ensureOpen('activate');
    } catch (error) {
      await this.close(session);
      throw error;
    }
    session.onLoggingLevelChange = (loggingLevel) => {
      this.records.saveLoggingLevel(session.id, loggingLevel).then(
        (record) => {
          if (record) session.record = record;
        },
        (error: unknown) =>
          this.logger.warn(
            `Could not store the logging level of session ${session.id}: ${String(error)}`,
          ),
      );
    };
    holdUntilAnswered(session.transport, () => this.acquire(session));
    this.live.add(session);
    // Held like a looked-up session (see whileHeld) until its requests acquire it.
    setImmediate(this.live.hold(session));
    return session;
  }

  /** Periodic work: evict idle sessions, revalidate and refresh the active ones. */
  private async maintain(): Promise<void> {
    for (const session of this.live.idleSince(Date.now() - this.options.idleTimeoutMs)) {
      await this.drop(session);
    }
    await this.revalidator.sweep([...this.live.values()]);
  }

  private async drop(session: McpSession): Promise<void> {
    if (this.live.get(session.id) === session) this.live.remove(session.id);
    await this.close(session);
  }

  private async close(session: McpSession): Promise<void> {
    await session.close().catch((error: unknown) => {
      this.logger.warn(`Error while closing session ${session.id}: ${String(error)}`);
    });
  }
}
