import { Inject, Injectable } from '@nestjs/common';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { LoggingLevelSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpEventStore } from '../events/mcp-event-store.interface.js';
import { SessionEventStore } from '../events/session-event.store.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import { MCP_EVENT_STORE } from '../mcp.constants.js';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import { McpServerFactory } from '../server/mcp-server.factory.js';
import { McpSession } from './mcp-session.js';

/** Checked on every message, so by method alone: the SDK validates the rest. */
const isSetLevelRequest = (
  message: JSONRPCMessage,
): message is JSONRPCMessage & { params?: { level?: unknown } } =>
  'method' in message && message.method === 'logging/setLevel' && 'id' in message;

/** Builds a live session (server + transport) for a record, new or restored. */
@Injectable()
export class McpSessionFactory {
  constructor(
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly servers: McpServerFactory,
    @Inject(MCP_EVENT_STORE) private readonly eventStore: McpEventStore | null,
  ) {}

  async create(record: SessionRecord): Promise<McpSession> {
    const events = this.eventStore
      ? new SessionEventStore(this.eventStore, record.sessionId)
      : undefined;
    // Always SSE: in JSON response mode the bridge answers each POST stream as one JSON
    // body, because SDK 1.32's own JSON mode keeps every request until the session
    // closes (typescript-sdk#2559).
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => record.sessionId,
      enableJsonResponse: false,
      eventStore: events,
      retryInterval: events ? this.options.sseRetryMs : undefined,
    });
    // The server reads the level lazily, so it sees changes made after it was built.
    const holder: { session?: McpSession } = {};
    const server = this.servers.create({
      loggingLevel: () => holder.session?.loggingLevel,
      httpContext: (requestId) => holder.session?.httpContexts.get(requestId),
    });
    const session = (holder.session = new McpSession(record, server, transport, events));
    await server.connect(transport);
    this.observeLoggingLevel(session);
    return session;
  }

  /**
   * Forgets what a terminated session left behind outside its record: its SSE events.
   * The session manager calls it when a session is terminated (not when it is evicted,
   * since an evicted session may be restored and resumed).
   */
  async discardEvents(sessionId: string): Promise<void> {
    await this.eventStore?.deleteSession(sessionId);
  }

  /** Keeps `session.loggingLevel` in step with the client's `logging/setLevel` requests. */
  private observeLoggingLevel(session: McpSession): void {
    const { transport } = session;
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (isSetLevelRequest(message)) {
        const level = LoggingLevelSchema.safeParse(message.params?.level);
        if (level.success && level.data !== session.loggingLevel) {
          session.loggingLevel = level.data;
          session.onLoggingLevelChange?.(level.data);
        }
      }
      deliver?.(message, extra);
    };
  }
}
