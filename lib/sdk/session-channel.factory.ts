import { Inject, Injectable } from '@nestjs/common';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { McpEventStore } from '../interfaces/mcp-event-store.interface.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import { MCP_EVENT_STORE, MCP_RESOLVED_OPTIONS } from '../mcp.constants.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { SessionChannel } from './session-channel.js';
import { SessionEventStore } from './session-event.store.js';

/** Builds the {@link SessionChannel} (SDK server + transport) of a session, new or restored. */
@Injectable()
export class SessionChannelFactory {
  constructor(
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly servers: McpServerFactory,
    @Inject(MCP_EVENT_STORE) private readonly eventStore: McpEventStore | null,
  ) {}

  async create(record: SessionRecord): Promise<SessionChannel> {
    const events = this.eventStore
      ? new SessionEventStore(this.eventStore, record.sessionId)
      : undefined;
    // Always SSE: in JSON response mode the channel answers each POST stream as one JSON
    // body, because SDK 1.32's own JSON mode keeps every request until the session
    // closes (typescript-sdk#2559).
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => record.sessionId,
      enableJsonResponse: false,
      eventStore: events,
      retryInterval: events ? this.options.sseRetryMs : undefined,
    });
    const channel = new SessionChannel(transport, events, record.loggingLevel);
    await channel.connect(this.servers.create(channel));
    return channel;
  }
}
