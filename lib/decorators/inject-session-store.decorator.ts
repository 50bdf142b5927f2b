import { Inject } from '@nestjs/common';
import { MCP_SESSION_STORE } from '../mcp.constants.js';

/**
 * Injects the {@link SessionStore} in use.
 *
 * @example
 * ```ts
 * constructor(@InjectSessionStore() private readonly store: SessionStore) {}
 * ```
 */
export const InjectSessionStore = (): ParameterDecorator & PropertyDecorator =>
  Inject(MCP_SESSION_STORE);
