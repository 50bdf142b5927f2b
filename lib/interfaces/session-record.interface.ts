import type { InitializeRequest, LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

/** Version of the {@link SessionRecord} layout written by this release. */
export const SESSION_RECORD_VERSION = 1;

/**
 * What a session store keeps for one session: enough to rebuild it on any instance.
 *
 * Fields may be added in later releases; `v` changes only when a field changes meaning,
 * and records of an unknown version are treated as absent.
 */
export interface SessionRecord {
  v: typeof SESSION_RECORD_VERSION;
  sessionId: string;
  /** The `params` of the client's `initialize` request, replayed on restore. */
  initializeParams: InitializeRequest['params'];
  /** The protocol version the server negotiated with the client. */
  protocolVersion: string;
  /** Who created the session (see the `principal` option); requests of anyone else get 404. */
  principal?: string;
  /** The level last set by `logging/setLevel`, if any. */
  loggingLevel?: LoggingLevel;
  /** The resource URIs the client subscribed to (`resources/subscribe`), as it spelled them. */
  subscriptions?: string[];
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds of the last write. */
  updatedAt: number;
}
