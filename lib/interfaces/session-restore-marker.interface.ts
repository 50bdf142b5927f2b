import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { SessionRecord } from './session-record.interface.js';

/**
 * Why a session was rebuilt from the store.
 * - `restore`: a request arrived for a session this instance did not hold.
 * - `reinitialize`: the client sent `initialize` again with the id of a stored session.
 */
export type SessionRestoreReason = 'restore' | 'reinitialize';

/**
 * Handed to every `@OnSessionRestore()` hook, and visible as `context.restore` to the
 * handlers of the request(s) that waited for the restore.
 */
export interface SessionRestoreMarker {
  sessionId: string;
  reason: SessionRestoreReason;
  /** The stored record the session was rebuilt from. */
  record: SessionRecord;
  /** The client's `clientInfo` from its original `initialize`. */
  clientInfo: Implementation;
  restoredAt: Date;
}
