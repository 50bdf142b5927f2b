import { Injectable } from '@nestjs/common';
import type { ToolOptions } from '../interfaces/tool-options.interface.js';
import type { SessionRestoreMarker } from '../interfaces/session-restore-marker.interface.js';

/** A decorated method bound to its provider instance. */
export interface DiscoveredMethod<Options = undefined> {
  /** `ClassName.method`, for messages. */
  source: string;
  options: Options;
  call(...args: unknown[]): unknown;
}

export type DiscoveredTool = DiscoveredMethod<ToolOptions & { name: string }>;
export type DiscoveredRestoreHook = DiscoveredMethod & {
  call(marker: SessionRestoreMarker): unknown;
};

/** Everything the explorer found at bootstrap; read when a session's server is built. */
@Injectable()
export class McpRegistry {
  private readonly tools = new Map<string, DiscoveredTool>();
  private readonly restoreHooks: DiscoveredRestoreHook[] = [];

  addTool(tool: DiscoveredTool): void {
    const existing = this.tools.get(tool.options.name);
    if (existing) {
      throw new Error(
        `Duplicate MCP tool name "${tool.options.name}" on ${tool.source} and ${existing.source}: ` +
          `give one of them another name with @Tool({ name })`,
      );
    }
    this.tools.set(tool.options.name, tool);
  }

  addRestoreHook(hook: DiscoveredRestoreHook): void {
    this.restoreHooks.push(hook);
  }

  getTools(): readonly DiscoveredTool[] {
    return [...this.tools.values()];
  }

  getRestoreHooks(): readonly DiscoveredRestoreHook[] {
    return this.restoreHooks;
  }
}
