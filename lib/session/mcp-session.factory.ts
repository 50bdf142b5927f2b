import { Inject, Injectable } from '@nestjs/common';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { isJSONRPCRequest, LoggingLevelSchema } from '@modelcontextprotocol/sdk/types.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import { McpServerFactory } from '../server/mcp-server.factory.js';
import { McpSession } from './mcp-session.js';

/** Builds a live session (server + transport) for a record, new or restored. */
@Injectable()
export class McpSessionFactory {
  constructor(
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly servers: McpServerFactory,
  ) {}

  async create(record: SessionRecord): Promise<McpSession> {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => record.sessionId,
      enableJsonResponse: this.options.enableJsonResponse,
    });
    // The server reads the level lazily, so it sees changes made after it was built.
    const holder: { session?: McpSession } = {};
    const server = this.servers.create(() => holder.session?.loggingLevel);
    const session = (holder.session = new McpSession(record, server, transport));
    await server.connect(transport);
    this.observeLoggingLevel(session);
    return session;
  }

  /** Keeps `session.loggingLevel` in step with the client's `logging/setLevel` requests. */
  private observeLoggingLevel(session: McpSession): void {
    const { transport } = session;
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (isJSONRPCRequest(message) && message.method === 'logging/setLevel') {
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
