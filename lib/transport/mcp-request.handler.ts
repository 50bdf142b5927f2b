import { Injectable, Logger } from '@nestjs/common';
import {
  InitializeRequestSchema,
  isInitializeRequest,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { mcpHttpContextStorage, type McpHttpContext } from '../context/mcp-http-context.storage.js';
import { McpSessionManager } from '../session/mcp-session.manager.js';
import { SessionStoreUnavailableError } from '../session/session-store-unavailable.error.js';
import { JsonRpcErrorCode, sendJsonRpcError } from './json-rpc-error.response.js';
import { serveWithTransport } from './web-standard.bridge.js';

const SESSION_HEADER = 'mcp-session-id';
/** Session ids are visible ASCII (spec); anything else cannot be one of ours. */
const SESSION_ID_PATTERN = /^[\x21-\x7e]{1,256}$/;
const RETRY_AFTER_SECONDS = '5';

type RequestId = string | number | null;

const requestIdOf = (body: unknown): RequestId =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && 'id' in body
    ? ((body as { id: RequestId }).id ?? null)
    : null;

/** Routes each HTTP request of the MCP endpoint to the right session's transport. */
@Injectable()
export class McpRequestHandler {
  private readonly logger = new Logger('McpModule');

  constructor(private readonly sessions: McpSessionManager) {}

  async handlePost(req: Request, res: Response): Promise<void> {
    const body: unknown = req.body;
    const messages: unknown[] = Array.isArray(body) ? body : [body];
    if (messages.some((m) => isInitializeRequest(m as JSONRPCMessage))) {
      return this.initialize(req, res, body, messages);
    }
    await this.serveSession(req, res, body);
  }

  async handleGet(req: Request, res: Response): Promise<void> {
    await this.serveSession(req, res, undefined);
  }

  async handleDelete(req: Request, res: Response): Promise<void> {
    const sessionId = this.requireSessionId(req, res, null);
    if (!sessionId) return;
    await this.guardStore(res, null, async () => {
      if (!SESSION_ID_PATTERN.test(sessionId) || !(await this.sessions.terminate(sessionId))) {
        return this.sessionNotFound(res, null);
      }
      res.status(200).end();
    });
  }

  private async initialize(
    req: Request,
    res: Response,
    body: unknown,
    messages: unknown[],
  ): Promise<void> {
    const id = requestIdOf(body);
    if (messages.length > 1) {
      return sendJsonRpcError(
        res,
        400,
        JsonRpcErrorCode.InvalidRequest,
        'Invalid Request: initialize must be sent alone, not in a batch',
      );
    }
    const parsed = InitializeRequestSchema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
      return sendJsonRpcError(
        res,
        400,
        JsonRpcErrorCode.InvalidParams,
        `Invalid initialize params: ${problems}`,
        { id },
      );
    }
    await this.guardStore(res, id, async () => {
      const session = await this.sessions.create(parsed.data.params);
      const context: McpHttpContext = { request: req, sessionId: session.id };
      await mcpHttpContextStorage.run(context, () =>
        serveWithTransport(session.transport, req, res, body, async (response) => {
          if (response.status !== 200) await this.sessions.discard(session);
        }),
      );
    });
  }

  private async serveSession(req: Request, res: Response, body: unknown): Promise<void> {
    const id = requestIdOf(body);
    const sessionId = this.requireSessionId(req, res, id);
    if (!sessionId) return;
    await this.guardStore(res, id, async () => {
      const resolved = SESSION_ID_PATTERN.test(sessionId)
        ? await this.sessions.get(sessionId)
        : undefined;
      if (!resolved) return this.sessionNotFound(res, id);
      const context: McpHttpContext = { request: req, sessionId, restore: resolved.restore };
      await mcpHttpContextStorage.run(context, () =>
        serveWithTransport(resolved.session.transport, req, res, body),
      );
    });
  }

  private requireSessionId(req: Request, res: Response, id: RequestId): string | undefined {
    const sessionId = req.headers[SESSION_HEADER];
    if (typeof sessionId === 'string' && sessionId.length > 0) return sessionId;
    sendJsonRpcError(
      res,
      400,
      JsonRpcErrorCode.ServerError,
      'Bad Request: Mcp-Session-Id header is required',
      { id },
    );
    return undefined;
  }

  private sessionNotFound(res: Response, id: RequestId): void {
    sendJsonRpcError(res, 404, JsonRpcErrorCode.SessionNotFound, 'Session not found', { id });
  }

  private async guardStore(res: Response, id: RequestId, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof SessionStoreUnavailableError)) throw error;
      this.logger.warn(error.message);
      sendJsonRpcError(
        res,
        503,
        JsonRpcErrorCode.ServerError,
        'Session store unavailable, retry later',
        {
          id,
          headers: { 'Retry-After': RETRY_AFTER_SECONDS },
        },
      );
    }
  }
}
