import type { ServerContext } from '@modelcontextprotocol/server';
import type { Request } from 'express';
import type { McpRequestContext } from '../../interfaces/mcp-request-context.interface.js';

/** Thrown by the helpers that a 2026-07-28 request cannot serve. */
export class ModernEraUnsupportedError extends Error {
  constructor(helper: string) {
    super(
      `ctx.${helper}() is not available to a 2026-07-28 client (no session, no request ` +
        'to the client); serve it to 2025 clients, or check ctx.protocolVersion first',
    );
    this.name = 'ModernEraUnsupportedError';
  }
}

/**
 * The context a handler receives for a 2026-07-28 request: no session (`sessionId` is
 * empty, no restore marker), no GET stream, no server-to-client request. Progress and log
 * messages go out on the request's own stream.
 */
export function createModernRequestContext(
  ctx: ServerContext,
  request: Request,
  protocolVersion: string | undefined,
): McpRequestContext {
  const progressToken = ctx.mcpReq._meta?.progressToken;
  const unsupported = (helper: string) => () =>
    Promise.reject(new ModernEraUnsupportedError(helper));
  return {
    sessionId: '',
    protocolVersion,
    request,
    requestId: ctx.mcpReq.id,
    signal: ctx.mcpReq.signal,
    // There is no 2025 `McpServer` in this era.
    server: undefined as never,
    async reportProgress(progress, total, message) {
      if (progressToken === undefined) return;
      await ctx.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken, progress, total, message },
      });
    },
    async log(level, data, logger) {
      await ctx.mcpReq.log(level, data, logger);
    },
    createMessage: unsupported('createMessage'),
    elicitInput: unsupported('elicitInput'),
    notifyResourceUpdated: async () => false,
    closeSSEStream: () => false,
    inputResponses: ctx.mcpReq.inputResponses,
    requestState: ctx.mcpReq.requestState<string>(),
  };
}
