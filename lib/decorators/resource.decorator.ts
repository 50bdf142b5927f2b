import { SetMetadata } from '@nestjs/common';
import { MCP_RESOURCE_METADATA } from '../mcp.constants.js';
import type { ResourceOptions } from '../interfaces/resource-options.interface.js';

/**
 * Marks a provider method as the reader of an MCP resource at a fixed URI. The method
 * receives the URI (a `URL`) and an {@link McpRequestContext}; it may return a string
 * (text content), a `Uint8Array` (binary content) or a `ReadResourceResult`.
 *
 * @example
 * ```ts
 * @Resource({ uri: 'config://app', mimeType: 'application/json', description: 'App settings' })
 * settings() {
 *   return JSON.stringify(this.config.public());
 * }
 * ```
 */
export const Resource = (options: ResourceOptions): MethodDecorator =>
  SetMetadata(MCP_RESOURCE_METADATA, options);
