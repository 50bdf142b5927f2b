import { Injectable, Logger } from '@nestjs/common';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionRestoreMarker } from '../interfaces/session-restore-marker.interface.js';
import { negotiateProtocolVersion, type InitializeRequest } from '../sdk/protocol.js';
import { SessionChannelFactory } from '../sdk/session-channel.factory.js';
import { LiveSessions } from './live-sessions.js';
import { McpSession } from './mcp-session.js';
import { SessionRecordRepository } from './session-record.repository.js';
import { SessionRestoreNotifier } from './session-restore.notifier.js';
import { SessionRevalidator } from './session.revalidator.js';
import { SingleFlight } from './single-flight.js';

/** A session ready to serve a request, and the restore that request waited for, if any. */
export interface ResolvedSession {
  session: McpSession;
  restore?: SessionRestoreMarker;
}

/**
 * Finds the session a request names: the live one, or one rebuilt from its stored record
 * by replaying `initialize` (a restore), or re-initialized in place. Internal: the public
 * API is `McpSessionManager`.
 */
@Injectable()
export class SessionRestorer {
  private readonly logger = new Logger('McpSessionManager');
  private readonly pending = new SingleFlight<string, ResolvedSession | undefined>();

  constructor(
    private readonly records: SessionRecordRepository,
    private readonly channels: SessionChannelFactory,
    private readonly notifier: SessionRestoreNotifier,
    private readonly live: LiveSessions,
    private readonly revalidator: SessionRevalidator,
  ) {}

  /** A session for this record, with its SDK server and transport; not live yet. */
  async build(record: SessionRecord): Promise<McpSession> {
    return new McpSession(record, await this.channels.create(record));
  }

  /**
   * The session if `principal` owns it: the live one, or one rebuilt from the store.
   * Concurrent callers for one cold id share a single restore.
   */
  async resolve(
    sessionId: string,
    principal: string | undefined,
    retried = false,
  ): Promise<ResolvedSession | undefined> {
    const live = this.live.get(sessionId);
    if (live) {
      const { session } = live;
      // Before any store check: another principal's request must not refresh the TTL.
      if (session.record.principal !== principal) return undefined;
      const current = await this.live.whileHeld(session, () => this.revalidator.isCurrent(live));
      return current ? { session } : undefined;
    }
    if (this.live.isDeleted(sessionId)) return undefined;
    const joined = this.pending.get(sessionId);
    if (!joined) return this.pending.run(sessionId, () => this.restore(sessionId, principal));
    const resolved = await joined;
    if (resolved) return resolved.session.record.principal === principal ? resolved : undefined;
    // That flight may have been refused to another principal: look once more for ours.
    return retried ? undefined : this.resolve(sessionId, principal, true);
  }

  /**
   * Re-initializes a stored session in place: same id, new initialize params, restore
   * hooks called with `reinitialize`.
   */
  async reinitialize(
    sessionId: string,
    initializeParams: InitializeRequest['params'],
    principal?: string,
  ): Promise<ResolvedSession | undefined> {
    if (this.live.isDeleted(sessionId)) return undefined;
    // Joins nothing: the initialize params are this caller's own.
    return this.pending.runAfter(sessionId, async () => {
      const stored = await this.records.load(sessionId);
      if (!stored || stored.principal !== principal) return undefined;
      const record: SessionRecord = {
        ...stored,
        initializeParams,
        protocolVersion: negotiateProtocolVersion(initializeParams.protocolVersion),
        loggingLevel: undefined,
        subscriptions: undefined,
        updatedAt: Date.now(),
      };
      await this.records.save(record);
      await this.live.replace(sessionId);
      const session = await this.build(record);
      const restore = await this.notifier.announce(record, 'reinitialize');
      if (await this.live.closeIfDeleted(session)) return undefined;
      return { session: await this.live.activate(session), restore };
    });
  }

  /** Rebuilds a stored session, unless it is not `principal`'s: then nothing is built or called. */
  private async restore(
    sessionId: string,
    principal?: string,
  ): Promise<ResolvedSession | undefined> {
    const record = await this.records.load(sessionId);
    if (!record || record.principal !== principal) return undefined;
    const session = await this.build(record);
    try {
      await session.channel.replayInitialize(record);
    } catch (error) {
      await this.live.close(session);
      this.logger.warn(
        `Session ${sessionId} could not be restored and is treated as unknown: ${String(error)}`,
      );
      return undefined;
    }
    if (await this.live.closeIfDeleted(session)) return undefined;
    const restore = await this.notifier.announce(record, 'restore');
    // A DELETE may have come while the restore hooks ran.
    if (await this.live.closeIfDeleted(session)) return undefined;
    return { session: await this.live.activate(session), restore };
  }
}
