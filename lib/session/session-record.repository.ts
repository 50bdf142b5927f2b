import { Inject, Injectable, Logger } from '@nestjs/common';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { MCP_RESOLVED_OPTIONS, MCP_SESSION_STORE } from '../mcp.constants.js';
import { within } from '../utils/within.util.js';
import { parseSessionRecord } from './session-record.schema.js';

/**
 * The session manager's only way to the store: bounds every call in time, turns failures
 * into {@link SessionStoreUnavailableError}, and validates what comes back.
 */
@Injectable()
export class SessionRecordRepository {
  private readonly logger = new Logger('McpSessionStore');
  private closed = false;

  constructor(
    @Inject(MCP_SESSION_STORE) private readonly store: SessionStore,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
  ) {}

  /** The valid record of this session; `undefined` when absent, expired, deleted or unreadable. */
  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const value = await this.call('load', () => this.store.load(sessionId));
    return this.validate(value, sessionId);
  }

  /** Like {@link load} for several sessions, in one round trip when the store can. */
  async loadMany(sessionIds: string[]): Promise<Array<SessionRecord | undefined>> {
    const values = await this.call('loadMany', () =>
      this.store.loadMany
        ? this.store.loadMany(sessionIds)
        : Promise.all(sessionIds.map((id) => this.store.load(id))),
    );
    return sessionIds.map((id, i) => this.validate(values[i], id));
  }

  async save(record: SessionRecord): Promise<void> {
    await this.call('save', () => this.store.save(record, this.options.sessionTtlMs));
  }

  /**
   * Stores what the client changed in a session (its logging level, its subscriptions)
   * on the record as stored now (another instance may have re-initialized the session
   * since); a session gone from the store stays gone.
   *
   * @returns the record stored, or `undefined` when there was none.
   */
  async saveChange(
    sessionId: string,
    change: Pick<SessionRecord, 'loggingLevel'> | Pick<SessionRecord, 'subscriptions'>,
  ): Promise<SessionRecord | undefined> {
    const stored = await this.load(sessionId);
    if (!stored) return undefined;
    const record = { ...stored, ...change, updatedAt: Date.now() };
    await this.save(record);
    return record;
  }

  async delete(sessionId: string): Promise<void> {
    await this.call('delete', () => this.store.delete(sessionId, this.options.sessionTtlMs));
  }

  /**
   * Refuses every call from now on, as unavailable. For shutdown: the modules the store
   * depends on are destroyed next, and a Keyv Redis client used after its cache
   * disconnected it connects again and keeps the process alive.
   */
  close(): void {
    this.closed = true;
  }

  /** Whether {@link close} was called: shutdown has begun. */
  get isClosed(): boolean {
    return this.closed;
  }

  private validate(value: unknown, sessionId: string): SessionRecord | undefined {
    if (value === undefined || value === null) return undefined;
    const parsed = parseSessionRecord(value, sessionId);
    if ('error' in parsed) {
      this.logger.warn(`Ignoring unreadable record for session ${sessionId}: ${parsed.error}`);
      return undefined;
    }
    return parsed.record;
  }

  /** Throws `SessionStoreUnavailableError` once the store is closed to this process. */
  ensureOpen(operation: string): void {
    if (this.closed) {
      throw new SessionStoreUnavailableError(operation, 'the application is shutting down');
    }
  }

  private async call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    this.ensureOpen(operation);
    try {
      return await within(this.options.storeTimeoutMs, work());
    } catch (error) {
      throw new SessionStoreUnavailableError(operation, error);
    }
  }
}
