import { Inject, Injectable } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import {
  createRequestContext,
  type SdkRequestExtra,
} from '../context/mcp-request-context.factory.js';
import { McpRegistry, type DiscoveredTool } from '../discovery/mcp.registry.js';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import { toCallToolResult } from './tool-result.mapper.js';

/** Builds the SDK server of one session from what the registry holds. */
@Injectable()
export class McpServerFactory {
  constructor(
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly registry: McpRegistry,
  ) {}

  create(loggingLevel: () => LoggingLevel | undefined): McpServer {
    const server = new McpServer(
      { name: this.options.name, version: this.options.version },
      { capabilities: { logging: {} }, instructions: this.options.instructions },
    );
    for (const tool of this.registry.getTools()) {
      this.registerTool(server, tool, loggingLevel);
    }
    return server;
  }

  private registerTool(
    server: McpServer,
    tool: DiscoveredTool,
    loggingLevel: () => LoggingLevel | undefined,
  ): void {
    const { name, title, description, inputSchema, outputSchema, annotations } = tool.options;
    const hasOutputSchema = outputSchema !== undefined;
    // The SDK calls (args, extra) when there is an input schema, (extra) when there is none.
    const handler = async (...params: unknown[]) => {
      const extra = params[params.length - 1] as SdkRequestExtra;
      const args = inputSchema ? params[0] : {};
      const result = await tool.call(args, createRequestContext(server, extra, loggingLevel));
      return toCallToolResult(result, hasOutputSchema);
    };
    server.registerTool(
      name,
      { title, description, inputSchema, outputSchema, annotations },
      handler as never,
    );
  }
}
