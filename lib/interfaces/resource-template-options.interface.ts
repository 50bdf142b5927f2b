import type { CompleteResourceTemplateCallback } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Annotations } from '@modelcontextprotocol/sdk/types.js';

/** Options of the `@ResourceTemplate()` decorator: resources addressed by a URI template. */
export interface ResourceTemplateOptions {
  /** An RFC 6570 URI template (`users://{id}/profile`), unique across the application. */
  uriTemplate: string;
  /** Template name, unique across the application; defaults to the method name. */
  name?: string;
  title?: string;
  description?: string;
  mimeType?: string;
  annotations?: Annotations;
  /**
   * Completion of template variables for `completion/complete`: for each variable, a
   * function from what the user typed so far to suggestions.
   */
  complete?: Record<string, CompleteResourceTemplateCallback>;
}
