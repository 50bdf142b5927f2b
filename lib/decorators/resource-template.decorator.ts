import { SetMetadata } from '@nestjs/common';
import { MCP_RESOURCE_TEMPLATE_METADATA } from '../mcp.constants.js';
import type { ResourceTemplateOptions } from '../interfaces/resource-template-options.interface.js';

/**
 * Marks a provider method as the reader of the resources matching a URI template. The
 * method receives the URI (a `URL`), the template variables and an
 * {@link McpRequestContext}; it returns what a `@Resource()` method returns.
 *
 * @example
 * ```ts
 * @ResourceTemplate({
 *   uriTemplate: 'users://{id}/profile',
 *   mimeType: 'application/json',
 *   complete: { id: (typed) => ['alice', 'bob'].filter((id) => id.startsWith(typed)) },
 * })
 * async profile(uri: URL, { id }: { id: string }) {
 *   return JSON.stringify(await this.users.find(id));
 * }
 * ```
 */
export const ResourceTemplate = (options: ResourceTemplateOptions): MethodDecorator =>
  SetMetadata(MCP_RESOURCE_TEMPLATE_METADATA, options);
