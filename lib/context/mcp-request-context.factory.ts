import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  LoggingLevelSchema,
  type LoggingLevel,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { Request } from 'express';
import type { McpRequestContext } from '../interfaces/mcp-request-context.interface.js';
import { mcpHttpContextStorage } from './mcp-http-context.storage.js';

export type SdkRequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const severity = (level: LoggingLevel) => LoggingLevelSchema.options.indexOf(level);

/** Builds the context a handler receives from the SDK's `extra` and the HTTP request. */
export function createRequestContext(
  server: McpServer,
  extra: SdkRequestExtra,
  loggingLevel: () => LoggingLevel | undefined,
): McpRequestContext {
  const http = mcpHttpContextStorage.getStore();
  const progressToken = extra._meta?.progressToken;
  return {
    sessionId: extra.sessionId ?? http?.sessionId ?? '',
    restore: http?.restore,
    request: http?.request as Request,
    requestId: extra.requestId,
    signal: extra.signal,
    server,
    async reportProgress(progress, total, message) {
      if (progressToken === undefined) return;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress, total, message },
      });
    },
    async log(level, data, logger) {
      const threshold = loggingLevel();
      if (threshold && severity(level) < severity(threshold)) return;
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level, data, logger },
      });
    },
  };
}
