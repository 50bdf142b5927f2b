import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { flatCopy, flatJoin } from '../utils/flat-copy.util.js';
import { StringPool } from '../utils/string-pool.util.js';

const SWEEP_INTERVAL_MS = 60_000;
/** Room for the distinct record shapes of many client builds and principals. */
const SHAPES_POOL_CHARS = 1_000_000;

/**
 * Each session is one flat string in the map: `expiresAt` alone for a tombstone, else
 * `expiresAt#createdAt#updatedAt#shape`, where the shape (the record without its id and
 * times: initialize params, protocol version, principal, logging level) is an index into
 * a pool, or the shape's JSON once the pool is full. Sessions of one client build and
 * user share a shape, kept once.
 */
type Entry =
  | { expiresAt: number; shape?: undefined }
  /** `shape`: a pool index, or JSON (starting with `{`). */
  | { expiresAt: number; createdAt: number; updatedAt: number; shape: string };

function decode(entry: string): Entry {
  const first = entry.indexOf('#');
  if (first === -1) return { expiresAt: Number(entry) };
  const second = entry.indexOf('#', first + 1);
  const third = entry.indexOf('#', second + 1);
  return {
    expiresAt: Number(entry.slice(0, first)),
    createdAt: Number(entry.slice(first + 1, second)),
    updatedAt: Number(entry.slice(second + 1, third)),
    shape: entry.slice(third + 1),
  };
}

/**
 * The default store: records live in this process only, so sessions survive the
 * eviction of a live session but not a restart. Use a shared store in production.
 */
@Injectable()
export class InMemorySessionStore implements SessionStore, OnModuleDestroy {
  private readonly entries = new Map<string, string>();
  private readonly shapes = new StringPool(SHAPES_POOL_CHARS);
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const entry = this.current(sessionId);
    if (entry?.shape === undefined) return undefined;
    const { shape, createdAt, updatedAt } = entry;
    const json = shape.startsWith('{') ? shape : this.shapes.at(Number(shape));
    if (json === undefined) return undefined;
    return { ...(JSON.parse(json) as SessionRecord), sessionId, createdAt, updatedAt };
  }

  async loadMany(sessionIds: string[]): Promise<Array<SessionRecord | undefined>> {
    return Promise.all(sessionIds.map((id) => this.load(id)));
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    const current = this.current(record.sessionId);
    if (current && current.shape === undefined) return;
    this.entries.set(flatCopy(record.sessionId), this.encode(Date.now() + ttlMs, record));
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    this.entries.set(flatCopy(sessionId), String(Date.now() + ttlMs));
  }

  /** Number of entries held (records and deletion markers), expired ones until the next sweep. */
  get size(): number {
    return this.entries.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private encode(expiresAt: number, record: SessionRecord): string {
    // JSON leaves the `undefined`s out.
    const shape = JSON.stringify({
      ...record,
      sessionId: undefined,
      createdAt: undefined,
      updatedAt: undefined,
    });
    const index = this.shapes.indexOf(shape);
    return flatJoin([expiresAt, record.createdAt, record.updatedAt, index ?? shape], '#');
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
