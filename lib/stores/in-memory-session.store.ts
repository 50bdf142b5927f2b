import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { flatCopy } from '../utils/flat-copy.util.js';
import { InMemorySessionCodec, type SessionEntry } from './in-memory-session.codec.js';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * The default store: records live in this process only, so sessions survive the
 * eviction of a live session but not a restart. Use a shared store in production.
 * Each session takes one string (see {@link InMemorySessionCodec}).
 */
@Injectable()
export class InMemorySessionStore implements SessionStore, OnModuleDestroy {
  private readonly entries = new Map<string, string>();
  private readonly codec = new InMemorySessionCodec();
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const entry = this.current(sessionId);
    return entry && this.codec.toRecord(sessionId, entry);
  }

  async loadMany(sessionIds: string[]): Promise<Array<SessionRecord | undefined>> {
    return Promise.all(sessionIds.map((id) => this.load(id)));
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    if (this.current(record.sessionId)?.deleted) return;
    this.entries.set(flatCopy(record.sessionId), this.codec.encode(record, Date.now() + ttlMs));
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    this.entries.set(flatCopy(sessionId), this.codec.tombstone(Date.now() + ttlMs));
  }

  /** Number of entries held (records and deletion markers), expired ones until the next sweep. */
  get size(): number {
    return this.entries.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** The unexpired entry of a session, decoded. */
  private current(sessionId: string): SessionEntry | undefined {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return undefined;
    const decoded = this.codec.decode(entry);
    if (decoded.expiresAt > Date.now()) return decoded;
    this.entries.delete(sessionId);
    return undefined;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (this.codec.decode(entry).expiresAt <= now) this.entries.delete(id);
    }
  }
}
