import type { SessionRecord } from './session-record.interface.js';

/**
 * Persistence for session records, shared by every instance of the server.
 *
 * Implementations only move records; the session manager validates what `load` returns,
 * so a store may hand back whatever it finds (a corrupt value is treated as absent).
 * A store that cannot be reached must throw (or reject): the request then gets 503,
 * never 404.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class MySessionStore implements SessionStore {
 *   async load(id: string) { return db.get(id); }
 *   async save(record: SessionRecord, ttlMs: number) { await db.set(record.sessionId, record, ttlMs); }
 *   async delete(id: string) { await db.del(id); }
 * }
 * ```
 */
export interface SessionStore {
  /** The stored record, or `undefined` when there is none (or it expired). */
  load(sessionId: string): Promise<SessionRecord | undefined>;
  /** Writes the record; it must expire after `ttlMs` without another save. */
  save(record: SessionRecord, ttlMs: number): Promise<void>;
  /** Removes the record; deleting an unknown id is not an error. */
  delete(sessionId: string): Promise<void>;
}
