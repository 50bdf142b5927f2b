import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  MCP_PROMPT_METADATA,
  MCP_RESOURCE_METADATA,
  MCP_RESOURCE_TEMPLATE_METADATA,
  MCP_SESSION_RESTORE_METADATA,
  MCP_TOOL_METADATA,
} from '../mcp.constants.js';
import type { PromptOptions } from '../interfaces/prompt-options.interface.js';
import type { ResourceOptions } from '../interfaces/resource-options.interface.js';
import type { ResourceTemplateOptions } from '../interfaces/resource-template-options.interface.js';
import type { ToolOptions } from '../interfaces/tool-options.interface.js';

/** Reads what the MCP decorators wrote on a method. */
@Injectable()
export class McpMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getToolOptions(target: object): ToolOptions | undefined {
    return this.get<ToolOptions>(MCP_TOOL_METADATA, target);
  }

  getResourceOptions(target: object): ResourceOptions | undefined {
    return this.get<ResourceOptions>(MCP_RESOURCE_METADATA, target);
  }

  getResourceTemplateOptions(target: object): ResourceTemplateOptions | undefined {
    return this.get<ResourceTemplateOptions>(MCP_RESOURCE_TEMPLATE_METADATA, target);
  }

  getPromptOptions(target: object): PromptOptions | undefined {
    return this.get<PromptOptions>(MCP_PROMPT_METADATA, target);
  }

  isSessionRestoreHook(target: object): boolean {
    return this.get<boolean>(MCP_SESSION_RESTORE_METADATA, target) === true;
  }

  private get<T>(key: string, target: object): T | undefined {
    return this.reflector.get<T | undefined>(key, target as never);
  }
}
