import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { McpHttpContexts } from '../context/mcp-http-context.js';
import type { SessionEventStore } from '../events/session-event.store.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';

/** A session live in this process: its SDK server and transport, and what they learned. */
export class McpSession {
  loggingLevel: LoggingLevel | undefined;
  /** Epoch ms of the last request (start or end). */
  lastActivity = Date.now();
  /**
   * Epoch ms of the last check that the session still exists in the store; a check that
   * failed counts, so that a store that is down is asked once per interval.
   */
  checkedAt = Date.now();
  /** Requests and streams being served; a session with any is never evicted. */
  inFlight = 0;
  /** The HTTP requests behind the JSON-RPC requests being served. */
  readonly httpContexts = new McpHttpContexts();
  /** Called when the client changes the session's logging level. */
  onLoggingLevelChange?: (level: LoggingLevel) => void;

  constructor(
    public record: SessionRecord,
    readonly server: McpServer,
    readonly transport: WebStandardStreamableHTTPServerTransport,
    /** The session's view of the event store; none in JSON response mode. */
    readonly events?: SessionEventStore,
  ) {
    this.loggingLevel = record.loggingLevel;
  }

  get id(): string {
    return this.record.sessionId;
  }

  /** Closes the SDK server and transport; the stored record is left alone. */
  async close(): Promise<void> {
    await this.server.close();
  }
}
