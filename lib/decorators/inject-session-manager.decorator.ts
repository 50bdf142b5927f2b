import { Inject } from '@nestjs/common';
import { MCP_SESSION_MANAGER } from '../mcp.constants.js';

/**
 * Injects the {@link McpSessionManager}.
 *
 * @example
 * ```ts
 * constructor(@InjectSessionManager() private readonly sessions: McpSessionManager) {}
 * ```
 */
export const InjectSessionManager = (): ParameterDecorator & PropertyDecorator =>
  Inject(MCP_SESSION_MANAGER);
