import { Logger } from '@nestjs/common';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { FollowedStreamSink, McpEventStore } from '../interfaces/mcp-event-store.interface.js';

/** Handed out instead of an event id while events are muted; never matches a stored id. */
const MUTED_EVENT_ID = 'muted';
/** Handed out when the store failed to keep an event; never matches a stored id. */
const UNSTORED_EVENT_ID = 'unstored';

/**
 * The SDK's view of one session's events: an `EventStore` that forwards to the shared
 * {@link McpEventStore} with this session's id, so a session can only ever read back its
 * own events. It can be muted, so that internal traffic (the `initialize` replayed during
 * a restore) leaves nothing to replay.
 *
 * A store that fails to keep an event (Redis down) does not stop the message: it still
 * goes out on the open stream, only it cannot be replayed. The SDK would drop it, and a
 * lost response leaves the client waiting for good.
 */
export class SessionEventStore implements EventStore {
  private readonly logger = new Logger('McpEventStore');
  private muted = 0;
  private failing = false;

  constructor(
    private readonly store: McpEventStore,
    private readonly sessionId: string,
  ) {}

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    if (this.muted > 0) return MUTED_EVENT_ID;
    try {
      const eventId = await this.store.storeEvent(this.sessionId, streamId, message);
      this.failing = false;
      return eventId;
    } catch (error) {
      if (!this.failing) {
        this.logger.warn(
          `Session ${this.sessionId}: events sent live, not kept for resumption: ${String(error)}`,
        );
      }
      this.failing = true;
      return UNSTORED_EVENT_ID;
    }
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.store.getStreamIdForEventId(this.sessionId, eventId);
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const streamId = await this.store.replayEventsAfter(this.sessionId, lastEventId, send);
    // The SDK asks getStreamIdForEventId first and answers 400 for unknown ids.
    return streamId ?? '';
  }

  /** Whether the store follows streams that other instances produce (`followStream`). */
  get follows(): boolean {
    return this.store.followStream !== undefined;
  }

  /**
   * Sends a stream another instance produces, or the standalone GET stream, as the store
   * follows it (see `McpEventStore.followStream`).
   *
   * @returns false, having sent nothing, when the store does not follow that stream.
   */
  async followStream(lastEventId: string | undefined, sink: FollowedStreamSink): Promise<boolean> {
    if (!this.store.followStream) return false;
    return this.store.followStream(this.sessionId, lastEventId, sink);
  }

  /** Runs `work` with event storage switched off. */
  async muteDuring<T>(work: () => Promise<T>): Promise<T> {
    this.muted++;
    try {
      return await work();
    } finally {
      this.muted--;
    }
  }
}
