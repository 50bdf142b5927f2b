import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import { MCP_RESOLVED_OPTIONS } from '../mcp.constants.js';
import { LiveSessions } from './live-sessions.js';
import { SessionRecordRepository } from './session-record.repository.js';
import { SessionRevalidator } from './session.revalidator.js';

/**
 * The periodic work on live sessions, one round at a time: evicts the idle ones from
 * memory, then revalidates the active ones against the store and refreshes their TTLs.
 */
@Injectable()
export class SessionMaintenance implements OnModuleInit, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  /** The round in progress, if any. */
  private round?: Promise<void>;

  constructor(
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly live: LiveSessions,
    private readonly revalidator: SessionRevalidator,
    private readonly records: SessionRecordRepository,
  ) {}

  onModuleInit(): void {
    // Twice per interval, so active sessions are rechecked before a request would have to.
    const every = Math.min(this.options.revalidateIntervalMs / 2, this.options.idleTimeoutMs);
    this.timer = setInterval(() => {
      this.round ??= this.maintain().finally(() => (this.round = undefined));
    }, every).unref();
  }

  /**
   * As shutdown begins, before the modules the store depends on (and, usually, those of
   * the app's tools) are destroyed: ends the periodic work (waiting for a round in
   * progress), closes the store to this process, so requests still arriving get 503 (see
   * `SessionRecordRepository.close`), then drains the requests in flight for at most
   * `shutdownGraceMs` (see `LiveSessions.drain`).
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.round;
    this.records.close();
    await this.live.drain(this.options.shutdownGraceMs);
  }

  private async maintain(): Promise<void> {
    for (const session of this.live.idleSince(Date.now() - this.options.idleTimeoutMs)) {
      await this.live.drop(session);
    }
    await this.revalidator.sweep(this.live.values());
  }
}
