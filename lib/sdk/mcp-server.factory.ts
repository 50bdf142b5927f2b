import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  McpRegistry,
  type DiscoveredPrompt,
  type DiscoveredResource,
  type DiscoveredResourceTemplate,
  type DiscoveredTool,
} from '../discovery/mcp.registry.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import { MCP_RESOLVED_OPTIONS } from '../mcp.constants.js';
import { invoke, withArgs } from './decorated-call.js';
import { isInputRequired, resolveInputRequired } from './input-required.js';
import { LazyJsonSchemaValidator } from './lazy-json-schema.validator.js';
import { toGetPromptResult } from './prompt-result.mapper.js';
import {
  createRequestContext,
  type SdkRequestExtra,
  type SessionState,
} from './request-context.factory.js';
import { McpResourceSubscriptions } from './resource-subscriptions.js';
import { toReadResourceResult } from './resource-result.mapper.js';
import type { SessionChannel } from './session-channel.js';
import { toCallToolResult } from './tool-result.mapper.js';
import { withObjectSchemas } from './tool-schemas.js';

/** Builds the SDK server of one session from what the registry holds. */
@Injectable()
export class McpServerFactory implements OnApplicationBootstrap {
  private preparedTools?: readonly DiscoveredTool[];

  constructor(
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly registry: McpRegistry,
    private readonly subscriptions: McpResourceSubscriptions,
  ) {}

  /** After discovery: a tool schema the SDK cannot list fails bootstrap, naming the tool. */
  onApplicationBootstrap(): void {
    void this.tools;
  }

  /** The discovered tools with their schemas as zod objects, built once. */
  private get tools(): readonly DiscoveredTool[] {
    return (this.preparedTools ??= this.registry.getTools().map(withObjectSchemas));
  }

  /** The SDK server of the session whose channel this is; it reads the channel's state at call time. */
  create(channel: SessionChannel, sessionId: string, subscriptions?: readonly string[]): McpServer {
    const server = new McpServer(
      { name: this.options.name, version: this.options.version },
      {
        capabilities: { logging: {} },
        instructions: this.options.instructions,
        jsonSchemaValidator: new LazyJsonSchemaValidator(),
      },
    );
    const state: SessionState = {
      loggingLevel: () => channel.loggingLevel,
      httpContext: (requestId) => channel.httpContext(requestId),
    };
    const resources = this.registry.getResources();
    const templates = this.registry.getResourceTemplates();
    if (resources.length + templates.length > 0) {
      const session = this.subscriptions.attach(server, sessionId, subscriptions, (uris) =>
        channel.emit('subscriptionsChanged', uris),
      );
      state.subscriptions = session;
      channel.once('closed', () => this.subscriptions.detach(session));
    }
    for (const tool of this.tools) this.registerTool(server, tool, state);
    for (const resource of resources) this.registerResource(server, resource, state);
    for (const template of templates) this.registerResourceTemplate(server, template, state);
    for (const prompt of this.registry.getPrompts()) this.registerPrompt(server, prompt, state);
    return server;
  }

  private registerTool(server: McpServer, tool: DiscoveredTool, state: SessionState): void {
    const { name, title, description, inputSchema, outputSchema, annotations } = tool.options;
    const hasOutputSchema = outputSchema !== undefined;
    const handler = withArgs(inputSchema !== undefined, async (args, extra: SdkRequestExtra) => {
      const context = createRequestContext(server, extra, state);
      let result = await invoke(() => tool.call(args, context));
      if (isInputRequired(result)) {
        result = await resolveInputRequired(server, extra, result, (inputResponses, requestState) =>
          invoke(() => tool.call(args, { ...context, inputResponses, requestState })),
        );
      }
      return toCallToolResult(result, hasOutputSchema);
    });
    server.registerTool(
      name,
      { title, description, inputSchema, outputSchema, annotations },
      handler as never,
    );
  }

  private registerResource(
    server: McpServer,
    resource: DiscoveredResource,
    state: SessionState,
  ): void {
    const { name, uri, ...metadata } = resource.options;
    server.registerResource(name, uri, metadata, async (url: URL, extra: SdkRequestExtra) => {
      const context = createRequestContext(server, extra, state);
      const result = await invoke(() => resource.call(url, context));
      return toReadResourceResult(result, url, metadata.mimeType);
    });
  }

  private registerResourceTemplate(
    server: McpServer,
    template: DiscoveredResourceTemplate,
    state: SessionState,
  ): void {
    const { name, uriTemplate, complete, ...metadata } = template.options;
    server.registerResource(
      name,
      new ResourceTemplate(uriTemplate, { list: undefined, complete }),
      metadata,
      async (url, variables, extra) => {
        const context = createRequestContext(server, extra, state);
        const result = await invoke(() => template.call(url, variables, context));
        return toReadResourceResult(result, url, metadata.mimeType);
      },
    );
  }

  private registerPrompt(server: McpServer, prompt: DiscoveredPrompt, state: SessionState): void {
    const { name, title, description, argsSchema } = prompt.options;
    const handler = withArgs(argsSchema !== undefined, async (args, extra: SdkRequestExtra) => {
      const context = createRequestContext(server, extra, state);
      let result = await invoke(() => prompt.call(args, context));
      if (isInputRequired(result)) {
        result = await resolveInputRequired(server, extra, result, (inputResponses, requestState) =>
          invoke(() => prompt.call(args, { ...context, inputResponses, requestState })),
        );
      }
      return toGetPromptResult(result, name);
    });
    server.registerPrompt(name, { title, description, argsSchema }, handler as never);
  }
}
