import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** The stream id the SDK gives every session's standalone GET stream. */
export const STANDALONE_STREAM_ID = '_GET_stream';

/**
 * Keeps the SSE events of every session so a client that lost a stream can resume it
 * with `Last-Event-ID`. Unlike the SDK's `EventStore`, every call names the session:
 * the SDK calls every standalone GET stream `_GET_stream`, so a store that ignored the
 * session would replay one session's events to another.
 *
 * Provide your own under `MCP_EVENT_STORE` (or the `eventStore` option) to share events
 * between instances.
 *
 * @example
 * ```ts
 * McpModule.forRoot({ name, version, eventStore: new InMemoryEventStore({ maxAgeMs: 60_000 }) })
 * ```
 */
export interface McpEventStore {
  /** Stores a message sent on `streamId` of `sessionId`; returns its event id. */
  storeEvent(sessionId: string, streamId: string, message: JSONRPCMessage): Promise<string>;
  /** The stream `eventId` belongs to, or `undefined` if this session has no such event. */
  getStreamIdForEventId(sessionId: string, eventId: string): Promise<string | undefined>;
  /**
   * Sends, in order, the events of `lastEventId`'s stream stored after it.
   *
   * @returns the stream id, or `undefined` if this session has no such event.
   */
  replayEventsAfter(
    sessionId: string,
    lastEventId: string,
    send: (eventId: string, message: JSONRPCMessage) => Promise<void>,
  ): Promise<string | undefined>;
  /** Forgets every event of a session (called when the session is terminated). */
  deleteSession(sessionId: string): Promise<void>;
  /**
   * Optional, for stores shared by instances. With `lastEventId`: sends what that event's
   * stream kept after it, then what the instance producing the stream goes on adding, until
   * the stream's answer has been sent (the standalone GET stream has none) or the sink's
   * signal aborts. Without it: the session's standalone GET stream from now on, whichever
   * instance adds to it.
   *
   * @returns false, having sent nothing, when it does not follow that stream (the event
   * is unknown, or this instance produces the stream: the SDK serves it then).
   */
  followStream?(
    sessionId: string,
    lastEventId: string | undefined,
    sink: FollowedStreamSink,
  ): Promise<boolean>;
}

/** Where {@link McpEventStore.followStream} sends a followed stream. */
export interface FollowedStreamSink {
  /** Called once, before the first event, when the store knows it follows the stream. */
  open(): void;
  /** Sends one event, in order. */
  send(eventId: string, message: JSONRPCMessage): Promise<void>;
  /** Aborts when the client has gone or the session closed. */
  readonly signal: AbortSignal;
}
