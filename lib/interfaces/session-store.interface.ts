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
 *   async load(id: string) { return (await db.get(`deleted:${id}`)) ? undefined : db.get(id); }
 *   async save(record: SessionRecord, ttlMs: number) { await db.set(record.sessionId, record, ttlMs); }
 *   async delete(id: string, ttlMs: number) { await db.set(`deleted:${id}`, 1, ttlMs); await db.del(id); }
 * }
 * ```
 */
export interface SessionStore {
  /** The stored record, or `undefined` when there is none, it expired, or it was deleted. */
  load(sessionId: string): Promise<SessionRecord | undefined>;
  /**
   * Optional: several records in one round trip (same order as the ids). The manager
   * revalidates its live sessions with it; without it, it calls `load` once per session.
   */
  loadMany?(sessionIds: string[]): Promise<Array<SessionRecord | undefined>>;
  /** Writes the record; it must expire after `ttlMs` without another save. */
  save(record: SessionRecord, ttlMs: number): Promise<void>;
  /**
   * Ends the session for good: for at least `ttlMs`, `load` must return `undefined` for
   * this id even if a `save` for it arrives later (from an instance that has not yet
   * learned of the delete). Deleting an unknown id is not an error.
   */
  delete(sessionId: string, ttlMs: number): Promise<void>;
}
