import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type InitializeRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { McpRegistry } from '../discovery/mcp.registry.js';
import { MCP_SESSION_STORE } from '../mcp.constants.js';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import {
  SESSION_RECORD_VERSION,
  type SessionRecord,
} from '../interfaces/session-record.interface.js';
import type {
  SessionRestoreMarker,
  SessionRestoreReason,
} from '../interfaces/session-restore-marker.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { replayInitialize } from './initialize-replay.js';
import { McpSessionFactory } from './mcp-session.factory.js';
import type { McpSession } from './mcp-session.js';
import { parseSessionRecord } from './session-record.schema.js';
import { SessionStoreUnavailableError } from './session-store-unavailable.error.js';

/** A session ready to serve a request, and the restore that request waited for, if any. */
export interface ResolvedSession {
  session: McpSession;
  restore?: SessionRestoreMarker;
}

/**
 * Owns the sessions live in this process. The store is the source of truth; the live
 * map is a cache that may lose any entry and rebuild it from the store on demand.
 * Inject it with `@InjectSessionManager()`.
 */
@Injectable()
export class McpSessionManager implements BeforeApplicationShutdown {
  private readonly logger = new Logger('McpSessionManager');
  private readonly live = new Map<string, McpSession>();
  private readonly restoring = new Map<string, Promise<ResolvedSession | undefined>>();
  /** Ids deleted by this process, kept for a TTL so a restore racing the delete cannot revive them. */
  private readonly deleted = new Map<string, number>();

  constructor(
    @Inject(MCP_SESSION_STORE) private readonly store: SessionStore,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly factory: McpSessionFactory,
    private readonly registry: McpRegistry,
  ) {}

  /** Number of sessions live in this process. */
  get liveCount(): number {
    return this.live.size;
  }

  isLive(sessionId: string): boolean {
    return this.live.has(sessionId);
  }

  /**
   * Starts a session for an `initialize` request: persists its record first, so an id is
   * only ever handed out for a session that can be restored.
   *
   * @throws SessionStoreUnavailableError when the record cannot be saved.
   */
  async create(initializeParams: InitializeRequest['params']): Promise<McpSession> {
    const now = Date.now();
    const requested = initializeParams.protocolVersion;
    const record: SessionRecord = {
      v: SESSION_RECORD_VERSION,
      sessionId: randomUUID(),
      initializeParams,
      protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
        ? requested
        : LATEST_PROTOCOL_VERSION,
      createdAt: now,
      updatedAt: now,
    };
    await this.storeCall('save', () => this.store.save(record, this.options.sessionTtlMs));
    const session = await this.factory.create(record);
    this.live.set(record.sessionId, session);
    return session;
  }

  /**
   * The session with this id: the live one, or one rebuilt from the store. Concurrent
   * callers for the same cold id share one restore.
   *
   * @returns `undefined` when the session is unknown, expired, deleted or unreadable.
   * @throws SessionStoreUnavailableError when the store cannot be read.
   */
  async get(sessionId: string): Promise<ResolvedSession | undefined> {
    const session = this.live.get(sessionId);
    if (session) return { session };
    if (this.isDeleted(sessionId)) return undefined;
    let pending = this.restoring.get(sessionId);
    if (!pending) {
      pending = this.restore(sessionId, 'restore').finally(() => this.restoring.delete(sessionId));
      this.restoring.set(sessionId, pending);
    }
    return pending;
  }

  /**
   * Ends a session here and in the store, so no instance can restore it again.
   *
   * @returns false when there was no such session.
   */
  async terminate(sessionId: string): Promise<boolean> {
    const session = this.live.get(sessionId);
    const stored = session ? undefined : await this.loadRecord(sessionId);
    if (!session && !stored) return false;
    this.markDeleted(sessionId);
    this.live.delete(sessionId);
    await session?.close();
    await this.storeCall('delete', () => this.store.delete(sessionId));
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
    this.live.delete(sessionId);
    await session.close();
    return true;
  }

  /** Forgets a session whose `initialize` the transport refused, here and in the store. */
  async discard(session: McpSession): Promise<void> {
    this.live.delete(session.id);
    await session.close();
    await this.store.delete(session.id).catch((error: unknown) => {
      this.logger.warn(
        `Could not delete the record of refused session ${session.id}: ${String(error)}`,
      );
    });
  }

  /** Closes live sessions (and their open SSE streams) so the HTTP server can stop. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.evict(id)));
  }

  private async restore(
    sessionId: string,
    reason: SessionRestoreReason,
  ): Promise<ResolvedSession | undefined> {
    const record = await this.loadRecord(sessionId);
    if (!record) return undefined;
    const session = await this.factory.create(record);
    try {
      await replayInitialize(session.transport, record);
    } catch (error) {
      await session.close();
      this.logger.warn(
        `Session ${sessionId} could not be restored and is treated as unknown: ${String(error)}`,
      );
      return undefined;
    }
    if (this.isDeleted(sessionId)) {
      await session.close();
      return undefined;
    }
    const restore: SessionRestoreMarker = {
      sessionId,
      reason,
      record,
      clientInfo: record.initializeParams.clientInfo,
      restoredAt: new Date(),
    };
    await this.runRestoreHooks(restore);
    this.live.set(sessionId, session);
    return { session, restore };
  }

  private async runRestoreHooks(marker: SessionRestoreMarker): Promise<void> {
    for (const hook of this.registry.getRestoreHooks()) {
      try {
        await hook.call(marker);
      } catch (error) {
        this.logger.error(
          `@OnSessionRestore hook ${hook.source} failed for session ${marker.sessionId}; serving the session anyway`,
          error instanceof Error ? error.stack : String(error),
        );
      }
    }
  }

  private async loadRecord(sessionId: string): Promise<SessionRecord | undefined> {
    const value = await this.storeCall('load', () => this.store.load(sessionId));
    if (value === undefined || value === null) return undefined;
    const parsed = parseSessionRecord(value, sessionId);
    if ('error' in parsed) {
      this.logger.warn(`Ignoring unreadable record for session ${sessionId}: ${parsed.error}`);
      return undefined;
    }
    return parsed.record;
  }

  private async storeCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new SessionStoreUnavailableError(operation, error);
    }
  }

  private markDeleted(sessionId: string): void {
    const now = Date.now();
    for (const [id, expiresAt] of this.deleted) {
      if (expiresAt > now) break;
      this.deleted.delete(id);
    }
    this.deleted.set(sessionId, now + this.options.sessionTtlMs);
  }

  private isDeleted(sessionId: string): boolean {
    const expiresAt = this.deleted.get(sessionId);
    return expiresAt !== undefined && expiresAt > Date.now();
  }
}
