import type { SessionRecord } from '../interfaces/session-record.interface.js';
import { StringPool } from './string-pool.js';

/** Room for the distinct record shapes of many client builds and principals. */
const SHAPES_POOL_CHARS = 1_000_000;

/** An encoded entry, read back: a deleted session keeps only its expiry. */
export type SessionEntry =
  | { expiresAt: number; deleted: true }
  | {
      expiresAt: number;
      deleted: false;
      createdAt: number;
      updatedAt: number;
      /** A pool index, or the shape's JSON (starting with `{`). */
      shape: string;
    };

/**
 * The encoding of {@link InMemorySessionStore} entries: each session is one flat string
 * instead of a record object. A deleted session (a tombstone) is `expiresAt` alone; a
 * record is `expiresAt#createdAt#updatedAt#shape`. The shape is the record without its
 * id and times (initialize params, protocol version, principal, logging level): sessions
 * of one client build and user share it, so it is kept once in a pool and the entry holds
 * its index, or the shape's JSON itself once the pool is full.
 */
export class InMemorySessionCodec {
  private readonly shapes = new StringPool(SHAPES_POOL_CHARS);

  /** The entry of `record`, valid until `expiresAt` (epoch milliseconds). */
  encode(record: SessionRecord, expiresAt: number): string {
    // JSON leaves the `undefined`s out.
    const shape = JSON.stringify({
      ...record,
      sessionId: undefined,
      createdAt: undefined,
      updatedAt: undefined,
    });
    const index = this.shapes.indexOf(shape);
    // `join` builds a flat string; `+` or a template would keep a tree of the pieces.
    return [expiresAt, record.createdAt, record.updatedAt, index ?? shape].join('#');
  }

  /** The entry of a deleted session, valid until `expiresAt` (epoch milliseconds). */
  tombstone(expiresAt: number): string {
    return String(expiresAt);
  }

  decode(entry: string): SessionEntry {
    const first = entry.indexOf('#');
    if (first === -1) return { expiresAt: Number(entry), deleted: true };
    const second = entry.indexOf('#', first + 1);
    const third = entry.indexOf('#', second + 1);
    return {
      expiresAt: Number(entry.slice(0, first)),
      deleted: false,
      createdAt: Number(entry.slice(first + 1, second)),
      updatedAt: Number(entry.slice(second + 1, third)),
      shape: entry.slice(third + 1),
    };
  }

  /** A new record from a decoded entry; `undefined` for a tombstone. */
  toRecord(sessionId: string, entry: SessionEntry): SessionRecord | undefined {
    if (entry.deleted) return undefined;
    const { shape, createdAt, updatedAt } = entry;
    const json = shape.startsWith('{') ? shape : this.shapes.at(Number(shape));
    if (json === undefined) return undefined;
    return { ...(JSON.parse(json) as SessionRecord), sessionId, createdAt, updatedAt };
  }
}
