import { Logger } from '@nestjs/common';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import type { LiveSession } from './live-session.cache.js';
import type { SessionRecordRepository } from './session-record.repository.js';

/**
 * Keeps live sessions honest with the store without costing warm requests a round trip:
 * a periodic sweep checks every session used since the last sweep in one `loadMany`
 * (dropping those deleted or expired through another instance) and refreshes stored
 * TTLs at most once per `sessionTtlMs * ttlRefreshFraction`. A session not checked for
 * longer than `revalidateIntervalMs` is checked on its next request instead (batched
 * with the other checks of the same event-loop turn).
 * While the store is down, live sessions keep serving: once a check has failed, requests
 * no longer wait for the next one, and each session is asked about once per interval.
 */
export class SessionRevalidator {
  private readonly logger = new Logger('McpSessionManager');
  private lastSweep = Date.now();
  /** Whether the last check against the store failed. */
  private storeFailing = false;
  private batch?: { sessions: Set<LiveSession>; done: Promise<Set<LiveSession>> };

  constructor(
    private readonly records: SessionRecordRepository,
    private readonly options: ResolvedMcpOptions,
    private readonly onGone: (session: LiveSession) => Promise<void>,
  ) {}

  /** Whether a live session may be served; checks the store if it was not checked lately. */
  async isCurrent(session: LiveSession): Promise<boolean> {
    // The drain at shutdown serves what the requests in flight still need, unchecked.
    if (this.records.isClosed) return true;
    if (Date.now() - session.checkedAt <= this.options.revalidateIntervalMs) return true;
    const checked = this.verify([session]).then(
      (gone) => !gone.has(session),
      () => true,
    );
    // Waiting on a store that is down would cost every request its timeout.
    return this.storeFailing ? true : checked;
  }

  /** Checks the sessions used since the last sweep. The caller runs one sweep at a time. */
  async sweep(live: LiveSession[]): Promise<void> {
    const active = live.filter((s) => s.inFlight > 0 || s.lastActivity >= this.lastSweep);
    this.lastSweep = Date.now();
    if (active.length > 0) await this.verify(active).catch(() => undefined);
  }

  /**
   * Checks sessions against the store. Checks asked for in the same turn of the event
   * loop share one `loadMany`, so a burst of stale sessions costs one round trip.
   *
   * @returns the sessions found gone (already handed to `onGone`).
   */
  private verify(sessions: LiveSession[]): Promise<Set<LiveSession>> {
    let batch = this.batch;
    if (!batch) {
      const pending = new Set<LiveSession>();
      const done = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batch = undefined;
        return this.check([...pending]);
      });
      batch = this.batch = { sessions: pending, done };
    }
    for (const session of sessions) batch.sessions.add(session);
    return batch.done;
  }

  /**
   * Compares the sessions with the store. When the store fails (a read or a TTL refresh),
   * the sessions count as checked, so that it is not asked about them again within the
   * interval; logs when the store stops or starts answering.
   */
  private async check(sessions: LiveSession[]): Promise<Set<LiveSession>> {
    try {
      const gone = await this.compare(sessions);
      if (this.storeFailing) this.logger.log('The session store answers again');
      this.storeFailing = false;
      return gone;
    } catch (error) {
      if (!this.storeFailing) {
        this.logger.warn(
          `Serving live sessions unverified until the store answers: ${String(error)}`,
        );
      }
      this.storeFailing = true;
      const failedAt = Date.now();
      for (const session of sessions) session.checkedAt = failedAt;
      throw error;
    }
  }

  /** Hands the sessions gone from the store to `onGone` and refreshes the TTLs due. */
  private async compare(sessions: LiveSession[]): Promise<Set<LiveSession>> {
    const now = Date.now();
    const stored = await this.records.loadMany(sessions.map((s) => s.id));
    const refreshAfter = this.options.sessionTtlMs * this.options.ttlRefreshFraction;
    const gone = new Set<LiveSession>();
    const refreshes: Promise<void>[] = [];
    sessions.forEach((session, i) => {
      const record = stored[i];
      if (!record) {
        gone.add(session);
        void this.onGone(session);
        return;
      }
      session.checkedAt = now;
      if (now - record.updatedAt < refreshAfter) return;
      session.record = { ...record, updatedAt: now };
      refreshes.push(this.records.save(session.record));
    });
    await Promise.all(refreshes);
    return gone;
  }
}
