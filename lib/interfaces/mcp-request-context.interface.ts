import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type {
  CreateMessageRequestParamsBase,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitRequestURLParams,
  ElicitResult,
  LoggingLevel,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { Request } from 'express';
import type { SessionRestoreMarker } from './session-restore-marker.interface.js';

/**
 * What a handler learns about the MCP request it serves, and what it can send back;
 * passed as the last argument of every `@Tool()`, `@Resource()`, `@ResourceTemplate()`
 * and `@Prompt()` handler.
 *
 * @example
 * ```ts
 * @Tool({ description: 'Counts to n', inputSchema: { n: z.number() } })
 * async count({ n }: { n: number }, ctx: McpRequestContext) {
 *   for (let i = 1; i <= n; i++) await ctx.reportProgress(i, n);
 *   await ctx.log('info', `counted to ${n}`);
 *   return ctx.restore ? `counted on a restored session` : `counted`;
 * }
 * ```
 */
export interface McpRequestContext {
  sessionId: string;
  /** Set when this request had to wait for the session to be rebuilt from the store. */
  restore?: SessionRestoreMarker;
  /**
   * The protocol version the request is served under: its `MCP-Protocol-Version` header,
   * or, without one, the version negotiated at `initialize`. `undefined` for `initialize`.
   */
  protocolVersion?: string;
  /** The HTTP request that carried the MCP message (headers, `user` set by guards, ...). */
  request: Request;
  requestId: RequestId;
  /** Aborted when the client cancels the request or the session closes. */
  signal: AbortSignal;
  /** Sends `notifications/progress` if the client asked for progress; a no-op otherwise. */
  reportProgress(progress: number, total?: number, message?: string): Promise<void>;
  /** Sends `notifications/message`, honouring the level the client set. */
  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void>;
  /**
   * Asks the client's model for a completion (`sampling/createMessage`).
   *
   * @throws when the client did not declare the `sampling` capability.
   */
  createMessage(params: CreateMessageRequestParamsBase): Promise<CreateMessageResult>;
  /**
   * Asks the user for input through the client (`elicitation/create`).
   *
   * @throws when the client did not declare the `elicitation` capability.
   */
  elicitInput(params: ElicitRequestFormParams | ElicitRequestURLParams): Promise<ElicitResult>;
  /**
   * Sends `notifications/resources/updated` for `uri` to this session if it subscribed
   * to it (inject `McpResourceSubscriptions` to notify every session).
   *
   * @returns whether a notification was sent.
   */
  notifyResourceUpdated(uri: string): Promise<boolean>;
  /**
   * Closes this request's SSE stream without ending the request: the client reconnects
   * with `Last-Event-ID` and gets what it missed (polling, protocol 2025-11-25).
   *
   * @returns false when the client cannot resume (older protocol, or no event store).
   */
  closeSSEStream(): boolean;
  /**
   * The SDK server of this session, for anything the context does not wrap. 2025 clients
   * only: a 2026-07-28 request has no session, and no 2025 server.
   */
  server: McpServer;
  /**
   * 2026-07-28 only: the client's answers to the input an earlier round of this request
   * asked for, by key (multi-round-trip requests). A handler asks for input by returning
   * an input-required result: `inputRequired({ inputRequests })` from
   * `@modelcontextprotocol/server`. Untrusted client input.
   */
  inputResponses?: Record<string, unknown>;
  /** 2026-07-28 only: the `requestState` an earlier round returned, echoed by the client. Untrusted. */
  requestState?: string;
}
