import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { flatCopy } from '../utils/flat-copy.util.js';
import { StringPool } from '../utils/string-pool.util.js';

const SWEEP_INTERVAL_MS = 60_000;
/** Room for the distinct initialize params of many client builds (name, version, capabilities). */
const PARAMS_POOL_CHARS = 1_000_000;

/**
 * Each session is one string in the map: its expiry time, then `#` and the index of its
 * initialize params in a pool (or nothing, for a tombstone), then the record as JSON
 * without its id (the map key) and without pooled params. Sessions of the same client
 * build carry identical params, kept once this way.
 */
interface Entry {
  expiresAt: number;
  /** The record without its id (and without its params when they are pooled). */
  json?: string;
  paramsIndex?: number;
}

function decode(entry: string): Entry {
  const brace = entry.indexOf('{');
  if (brace === -1) return { expiresAt: Number(entry) };
  const head = entry.slice(0, brace);
  const hash = head.indexOf('#');
  const json = entry.slice(brace);
  if (hash === -1) return { expiresAt: Number(head), json };
  return {
    expiresAt: Number(head.slice(0, hash)),
    json,
    paramsIndex: Number(head.slice(hash + 1)),
  };
}

/**
 * The default store: records live in this process only, so sessions survive the
 * eviction of a live session but not a restart. Use a shared store in production.
 */
@Injectable()
export class InMemorySessionStore implements SessionStore, OnModuleDestroy {
  private readonly entries = new Map<string, string>();
  private readonly params = new StringPool(PARAMS_POOL_CHARS);
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const entry = this.current(sessionId);
    if (entry?.json === undefined) return undefined;
    const record = JSON.parse(entry.json) as SessionRecord;
    const params = entry.paramsIndex === undefined ? undefined : this.params.at(entry.paramsIndex);
    if (params !== undefined) record.initializeParams = JSON.parse(params);
    return { ...record, sessionId };
  }

  async loadMany(sessionIds: string[]): Promise<Array<SessionRecord | undefined>> {
    return Promise.all(sessionIds.map((id) => this.load(id)));
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    const current = this.current(record.sessionId);
    if (current && current.json === undefined) return;
    this.entries.set(flatCopy(record.sessionId), this.encode(Date.now() + ttlMs, record));
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    this.entries.set(flatCopy(sessionId), `${Date.now() + ttlMs}`);
  }

  /** Number of entries held (records and deletion markers), expired ones until the next sweep. */
  get size(): number {
    return this.entries.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private encode(expiresAt: number, record: SessionRecord): string {
    // JSON leaves `sessionId: undefined` out: the id is the map key.
    const { initializeParams, ...rest } = { ...record, sessionId: undefined };
    const index = this.params.indexOf(JSON.stringify(initializeParams));
    if (index === undefined) return `${expiresAt}${JSON.stringify({ ...rest, initializeParams })}`;
    return `${expiresAt}#${index}${JSON.stringify(rest)}`;
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
