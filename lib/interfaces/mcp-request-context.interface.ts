import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LoggingLevel, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Request } from 'express';
import type { SessionRestoreMarker } from './session-restore-marker.interface.js';

/**
 * What a handler learns about the MCP request it serves; passed as the last argument
 * of every `@Tool()` handler.
 *
 * @example
 * ```ts
 * @Tool({ description: 'Counts to n', inputSchema: { n: z.number() } })
 * async count({ n }: { n: number }, ctx: McpRequestContext) {
 *   for (let i = 1; i <= n; i++) await ctx.reportProgress(i, n);
 *   return ctx.restore ? `counted on a restored session` : `counted`;
 * }
 * ```
 */
export interface McpRequestContext {
  sessionId: string;
  /** Set when this request had to wait for the session to be rebuilt from the store. */
  restore?: SessionRestoreMarker;
  /** The HTTP request that carried the MCP message (headers, `user` set by guards, ...). */
  request: Request;
  requestId: RequestId;
  /** Aborted when the client cancels the request or the session closes. */
  signal: AbortSignal;
  /** Sends `notifications/progress` if the client asked for progress; a no-op otherwise. */
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends `notifications/message`, honouring the level the client set. */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /** The SDK server of this session, for anything the context does not wrap. */
  server: McpServer;
}
