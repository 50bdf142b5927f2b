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
import type { SessionSubscriptions } from './resource-subscriptions.js';
import type { McpHttpContext } from './mcp-http-context.js';

export type SdkRequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** What the context needs from the session it serves. */
export interface SessionState {
  /** The level set by `logging/setLevel`, read at call time. */
  loggingLevel(): LoggingLevel | undefined;
  /** The HTTP request (and restore marker) that carried the JSON-RPC request with this id. */
  httpContext(requestId: SdkRequestExtra['requestId']): McpHttpContext | undefined;
  subscriptions?: SessionSubscriptions;
}

const severity = (level: LoggingLevel) => LoggingLevelSchema.options.indexOf(level);

function requireClientCapability(server: McpServer, capability: 'sampling' | 'elicitation') {
  if (!server.server.getClientCapabilities()?.[capability]) {
    throw new Error(`The client did not declare the "${capability}" capability`);
  }
}

/** Builds the context a handler receives from the SDK's `extra` and the HTTP request. */
export function createRequestContext(
  server: McpServer,
  extra: SdkRequestExtra,
  state: SessionState,
): McpRequestContext {
  const http = state.httpContext(extra.requestId);
  const progressToken = extra._meta?.progressToken;
  // Server-to-client requests travel on this request's stream.
  const related = { relatedRequestId: extra.requestId, signal: extra.signal };
  return {
    sessionId: extra.sessionId ?? http?.sessionId ?? '',
    restore: http?.restore,
    protocolVersion: http?.protocolVersion,
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
      const threshold = state.loggingLevel();
      if (threshold && severity(level) < severity(threshold)) return;
      await extra.sendNotification({
        method: 'notifications/message',
        params: { level, data, logger },
      });
    },
    async createMessage(params) {
      requireClientCapability(server, 'sampling');
      return server.server.createMessage(params, related);
    },
    async elicitInput(params) {
      requireClientCapability(server, 'elicitation');
      return server.server.elicitInput(params, related);
    },
    async notifyResourceUpdated(uri) {
      const subscribed = state.subscriptions?.subscribedAs(uri);
      if (subscribed === undefined) return false;
      // On this request's stream, so the client gets it even without a GET stream open.
      await extra.sendNotification({
        method: 'notifications/resources/updated',
        params: { uri: subscribed },
      });
      return true;
    },
    closeSSEStream() {
      if (!extra.closeSSEStream) return false;
      extra.closeSSEStream();
      return true;
    },
  };
}
