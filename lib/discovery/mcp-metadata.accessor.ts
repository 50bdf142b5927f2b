import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { MCP_SESSION_RESTORE_METADATA, MCP_TOOL_METADATA } from '../mcp.constants.js';
import type { ToolOptions } from '../interfaces/tool-options.interface.js';

/** Reads what the MCP decorators wrote on a method. */
@Injectable()
export class McpMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  getToolOptions(target: object): ToolOptions | undefined {
    return this.reflector.get<ToolOptions | undefined>(MCP_TOOL_METADATA, target as never);
  }

  isSessionRestoreHook(target: object): boolean {
    return (
      this.reflector.get<boolean | undefined>(MCP_SESSION_RESTORE_METADATA, target as never) ===
      true
    );
  }
}
