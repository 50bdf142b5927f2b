import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The default store: records live in this process only, so sessions survive the
 * eviction of a live session but not a restart. Use a shared store in production.
 */
@Injectable()
export class InMemorySessionStore implements SessionStore, OnModuleDestroy {
  private readonly records = new Map<string, { json: string; expiresAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const entry = this.records.get(sessionId);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.records.delete(sessionId);
      return undefined;
    }
    return JSON.parse(entry.json) as SessionRecord;
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    this.records.set(record.sessionId, {
      json: JSON.stringify(record),
      expiresAt: Date.now() + ttlMs,
    });
  }

  async delete(sessionId: string): Promise<void> {
    this.records.delete(sessionId);
  }

  /** Number of records held, expired ones included until the next sweep. */
  get size(): number {
    return this.records.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.records) {
      if (entry.expiresAt <= now) this.records.delete(id);
    }
  }
}
