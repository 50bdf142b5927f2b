import type { McpServer as ModernMcpServer, ServerContext } from '@modelcontextprotocol/server';
import type { Request } from 'express';
import { z } from 'zod';
import type { DiscoveredTool, McpRegistry } from '../../discovery/mcp.registry.js';
import { invoke, withArgs } from '../decorated-call.js';
import { isInputRequired } from '../input-required.js';
import { toGetPromptResult } from '../prompt-result.mapper.js';
import { toReadResourceResult } from '../resource-result.mapper.js';
import { toCallToolResult } from '../tool-result.mapper.js';
import { withObjectSchemas } from '../tool-schemas.js';
import { createModernRequestContext } from './modern-request-context.js';

/** A shape of zod schemas (`{ city: z.string() }`), rather than a schema. */
const isShape = (schema: unknown): schema is Record<string, z.ZodType> =>
  typeof schema === 'object' && schema !== null && !('~standard' in schema);

/**
 * The tool with its shapes as zod objects, built once here rather than by the v2 SDK on
 * every request's server. Built with the app's zod, whose objects carry the
 * `~standard.jsonSchema` the v2 SDK lists schemas with (the 2025 path's objects do not).
 */
function withClassicObjects(tool: DiscoveredTool): DiscoveredTool {
  const { inputSchema, outputSchema } = tool.options;
  const options = {
    ...tool.options,
    inputSchema: isShape(inputSchema) ? z.object(inputSchema) : inputSchema,
    outputSchema: isShape(outputSchema) ? z.object(outputSchema) : outputSchema,
  };
  return { ...tool, options } as DiscoveredTool;
}

/** The v2 server package, loaded at bootstrap when installed. */
export type ModernSdk = typeof import('@modelcontextprotocol/server');

/** What a modern request brings to the handlers it reaches. */
export interface ModernRequestInfo {
  request: Request;
  protocolVersion?: string;
}

/**
 * Builds the v2 `McpServer` that serves one 2026-07-28 request, from the same registry as
 * the 2025 sessions' servers: every `@Tool`, `@Resource`, `@ResourceTemplate`, `@Prompt`
 * and completion, with the same result mapping.
 */
export class ModernServerFactory {
  private readonly tools;

  constructor(
    private readonly sdk: ModernSdk,
    private readonly registry: McpRegistry,
    private readonly info: {
      name: string;
      version: string;
      instructions?: string;
      requestState?: { verify(state: string): unknown };
    },
  ) {
    // The schemas as declared: the 2025 path's zod objects lack the v2 SDK's `~standard.jsonSchema`.
    // The same bootstrap errors as the 2025 path, for schemas neither era can list.
    registry.getTools().forEach(withObjectSchemas);
    this.tools = registry.getTools().map(withClassicObjects);
  }

  create(http: ModernRequestInfo): ModernMcpServer {
    const { name, version, instructions, requestState } = this.info;
    // The check's own result is dropped, so that handlers read the state as sent.
    const verify = requestState && {
      verify: async (state: string) => void (await requestState.verify(state)),
    };
    const server = new this.sdk.McpServer(
      { name, version },
      { capabilities: { logging: {} }, instructions, requestState: verify },
    );
    const context = (ctx: ServerContext) =>
      createModernRequestContext(ctx, http.request, http.protocolVersion);

    for (const tool of this.tools) {
      const {
        name: toolName,
        title,
        description,
        inputSchema,
        outputSchema,
        annotations,
      } = tool.options;
      const hasOutputSchema = outputSchema !== undefined;
      const handler = withArgs(inputSchema !== undefined, async (args, ctx: ServerContext) => {
        const result = await invoke(() => tool.call(args, context(ctx)));
        return isInputRequired(result) ? result : toCallToolResult(result, hasOutputSchema);
      });
      server.registerTool(
        toolName,
        { title, description, inputSchema, outputSchema, annotations } as never,
        handler as never,
      );
    }
    for (const resource of this.registry.getResources()) {
      const { name: resourceName, uri, ...metadata } = resource.options;
      server.registerResource(resourceName, uri, metadata, async (url: URL, ctx) => {
        const result = await invoke(() => resource.call(url, context(ctx)));
        return toReadResourceResult(result, url, metadata.mimeType) as never;
      });
    }
    for (const template of this.registry.getResourceTemplates()) {
      const { name: templateName, uriTemplate, complete, ...metadata } = template.options;
      server.registerResource(
        templateName,
        new this.sdk.ResourceTemplate(uriTemplate, {
          list: undefined,
          complete: complete as never,
        }),
        metadata,
        async (url, variables, ctx) => {
          const result = await invoke(() => template.call(url, variables, context(ctx)));
          return toReadResourceResult(result, url, metadata.mimeType) as never;
        },
      );
    }
    for (const prompt of this.registry.getPrompts()) {
      const { name: promptName, title, description, argsSchema } = prompt.options;
      const handler = withArgs(argsSchema !== undefined, async (args, ctx: ServerContext) => {
        const result = await invoke(() => prompt.call(args, context(ctx)));
        return isInputRequired(result) ? result : toGetPromptResult(result, promptName);
      });
      // A 2025 SDK `completable()` carries the marker the v2 SDK reads (one global symbol).
      server.registerPrompt(
        promptName,
        { title, description, argsSchema } as never,
        handler as never,
      );
    }
    return server;
  }
}
