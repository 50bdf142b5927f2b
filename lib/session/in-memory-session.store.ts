import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { flatCopy } from '../utils/flat-copy.util.js';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * One string per session, as kept in the map: the expiry time, then the record as JSON
 * without its id (the map key), or nothing more for a tombstone. A store that holds
 * every session of the process stays small this way.
 */
const encode = (expiresAt: number, record?: SessionRecord): string =>
  record ? `${expiresAt}${JSON.stringify({ ...record, sessionId: undefined })}` : `${expiresAt}`;

interface Entry {
  expiresAt: number;
  /** The record without its id; absent for a tombstone. */
  json?: string;
}

function decode(entry: string): Entry {
  const brace = entry.indexOf('{');
  if (brace === -1) return { expiresAt: Number(entry) };
  return { expiresAt: Number(entry.slice(0, brace)), json: entry.slice(brace) };
}

/**
 * The default store: records live in this process only, so sessions survive the
 * eviction of a live session but not a restart. Use a shared store in production.
 */
@Injectable()
export class InMemorySessionStore implements SessionStore, OnModuleDestroy {
  private readonly entries = new Map<string, string>();
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const json = this.current(sessionId)?.json;
    if (json === undefined) return undefined;
    return { ...(JSON.parse(json) as SessionRecord), sessionId };
  }

  async loadMany(sessionIds: string[]): Promise<Array<SessionRecord | undefined>> {
    return Promise.all(sessionIds.map((id) => this.load(id)));
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    const current = this.current(record.sessionId);
    if (current && current.json === undefined) return;
    this.entries.set(flatCopy(record.sessionId), encode(Date.now() + ttlMs, record));
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    this.entries.set(flatCopy(sessionId), encode(Date.now() + ttlMs));
  }

  /** Number of entries held (records and deletion markers), expired ones until the next sweep. */
  get size(): number {
    return this.entries.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** The unexpired entry of a session, decoded. */
  private current(sessionId: string): Entry | undefined {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) return undefined;
    const decoded = decode(entry);
    if (decoded.expiresAt > Date.now()) return decoded;
    this.entries.delete(sessionId);
    return undefined;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (decode(entry).expiresAt <= now) this.entries.delete(id);
    }
  }
}
