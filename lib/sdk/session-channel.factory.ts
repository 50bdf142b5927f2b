import { Inject, Injectable, Logger } from '@nestjs/common';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { McpEventStore } from '../interfaces/mcp-event-store.interface.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionBus } from '../interfaces/session-bus.interface.js';
import {
  MCP_EVENT_STORE,
  MCP_INSTANCE_ID,
  MCP_RESOLVED_OPTIONS,
  MCP_SESSION_BUS,
} from '../mcp.constants.js';
import type { ForeignMessage } from './instance-request-ids.js';
import { McpServerFactory } from './mcp-server.factory.js';
import { PeerRouting } from './peer-routing.js';
import { SessionChannel } from './session-channel.js';
import { SessionEventStore } from './session-event.store.js';

/** Builds the {@link SessionChannel} (SDK server + transport) of a session, new or restored. */
@Injectable()
export class SessionChannelFactory {
  private readonly logger = new Logger('McpSessionManager');

  constructor(
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly servers: McpServerFactory,
    @Inject(MCP_EVENT_STORE) private readonly eventStore: McpEventStore | null,
    @Inject(MCP_SESSION_BUS) private readonly bus: SessionBus | null,
    @Inject(MCP_INSTANCE_ID) private readonly instanceId: string,
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
    const peers = this.bus
      ? new PeerRouting(this.instanceId, (foreign) => this.forward(record.sessionId, foreign))
      : undefined;
    const channel = new SessionChannel(transport, events, record.loggingLevel, peers);
    await channel.connect(this.servers.create(channel, record.sessionId, record.subscriptions));
    return channel;
  }

  /** Hands a client's message to the instance it belongs to, or to every instance. */
  private async forward(sessionId: string, { instanceId, message }: ForeignMessage): Promise<void> {
    const bus = this.bus!;
    try {
      if (instanceId === undefined) return await bus.broadcast(sessionId, message);
      if (await bus.sendToInstance(instanceId, sessionId, message)) return;
      this.logger.warn(
        `Dropped the answer of session ${sessionId} to a request of instance ${instanceId}, which is gone`,
      );
    } catch (error) {
      this.logger.warn(`Could not hand a message of session ${sessionId} on: ${String(error)}`);
    }
  }
}
