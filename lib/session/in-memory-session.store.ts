import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';

const SWEEP_INTERVAL_MS = 60_000;

interface Entry {
  /** Serialized, so callers never share objects with the store. */
  json?: string;
  deleted?: true;
  expiresAt: number;
}

/**
 * The default store: records live in this process only, so sessions survive the
 * eviction of a live session but not a restart. Use a shared store in production.
 */
@Injectable()
export class InMemorySessionStore implements SessionStore, OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const entry = this.current(sessionId);
    return entry?.json === undefined ? undefined : (JSON.parse(entry.json) as SessionRecord);
  }

  async loadMany(sessionIds: string[]): Promise<Array<SessionRecord | undefined>> {
    return Promise.all(sessionIds.map((id) => this.load(id)));
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    if (this.current(record.sessionId)?.deleted) return;
    this.entries.set(record.sessionId, {
      json: JSON.stringify(record),
      expiresAt: Date.now() + ttlMs,
    });
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    this.entries.set(sessionId, { deleted: true, expiresAt: Date.now() + ttlMs });
  }

  /** Number of entries held (records and deletion markers), expired ones until the next sweep. */
  get size(): number {
    return this.entries.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private current(sessionId: string): Entry | undefined {
    const entry = this.entries.get(sessionId);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(sessionId);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(id);
    }
  }
}
