import { Logger } from '@nestjs/common';
import type { ResolvedMcpOptions } from '../mcp-options.resolver.js';
import type { McpSession } from './mcp-session.js';
import type { SessionRecordRepository } from './session-record.repository.js';

/**
 * Keeps live sessions honest with the store without costing warm requests a round trip:
 * a periodic sweep checks every session used since the last sweep in one `loadMany`
 * (dropping those deleted or expired through another instance) and refreshes stored
 * TTLs at most once per `sessionTtlMs * ttlRefreshFraction`. A session idle for longer
 * than `revalidateIntervalMs` is checked on its next request instead.
 * While the store is down, live sessions keep serving.
 */
export class SessionRevalidator {
  private readonly logger = new Logger('McpSessionManager');
  private lastSweep = Date.now();
  private sweeping = false;

  constructor(
    private readonly records: SessionRecordRepository,
    private readonly options: ResolvedMcpOptions,
    private readonly onGone: (session: McpSession) => Promise<void>,
  ) {}

  /** Whether a live session may be served; checks the store if it was not checked lately. */
  async isCurrent(session: McpSession): Promise<boolean> {
    const now = Date.now();
    if (now - session.verifiedAt <= this.options.revalidateIntervalMs) return true;
    try {
      if (!(await this.records.load(session.id))) {
        await this.onGone(session);
        return false;
      }
    } catch (error) {
      this.logger.warn(`Serving live session ${session.id} unverified: ${String(error)}`);
      return true;
    }
    session.verifiedAt = now;
    return true;
  }

  async sweep(live: McpSession[]): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    const started = Date.now();
    const active = live.filter((s) => s.inFlight > 0 || s.lastActivity >= this.lastSweep);
    this.lastSweep = started;
    try {
      if (active.length > 0) await this.check(active, started);
    } catch (error) {
      this.logger.warn(`Could not revalidate live sessions: ${String(error)}`);
    } finally {
      this.sweeping = false;
    }
  }

  private async check(active: McpSession[], now: number): Promise<void> {
    const stored = await this.records.loadMany(active.map((s) => s.id));
    const refreshAfter = this.options.sessionTtlMs * this.options.ttlRefreshFraction;
    const refreshes: Promise<void>[] = [];
    active.forEach((session, i) => {
      const record = stored[i];
      if (!record) {
        void this.onGone(session);
        return;
      }
      session.verifiedAt = now;
      if (now - record.updatedAt < refreshAfter) return;
      session.record = { ...record, updatedAt: now };
      refreshes.push(this.records.save(session.record));
    });
    await Promise.all(refreshes);
  }
}
