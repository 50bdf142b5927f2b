import { Inject, Injectable, Logger } from '@nestjs/common';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import {
  InitializeRequestSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type InitializeRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { MCP_RESOLVED_OPTIONS, type ResolvedMcpOptions } from '../mcp-options.resolver.js';
import type { McpSession } from '../session/mcp-session.js';
import { McpSessionManager, type ResolvedSession } from '../session/mcp-session.manager.js';
import { SessionStoreUnavailableError } from '../session/session-store-unavailable.error.js';
import { JsonRpcErrorCode, sendJsonRpcError } from './json-rpc-error.response.js';
import { serveWithTransport } from './web-standard.bridge.js';

const SESSION_HEADER = 'mcp-session-id';
const PROTOCOL_VERSION_HEADER = 'mcp-protocol-version';
const LAST_EVENT_ID_HEADER = 'last-event-id';
/** Session ids are visible ASCII (spec); anything else cannot be one of ours. */
const SESSION_ID_PATTERN = /^[\x21-\x7e]{1,256}$/;
const RETRY_AFTER_SECONDS = '5';

type RequestId = string | number | null;

/** By method only: an `initialize` with bad params must still be answered as one. */
const isInitialize = (message: unknown) =>
  typeof message === 'object' &&
  message !== null &&
  (message as { method?: unknown }).method === 'initialize';

/**
 * The transport refuses a POST that does not accept both; `initialize` is checked here
 * first, so that a refused one never creates or re-initializes a session.
 */
const acceptsBoth = (req: Request) => {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && accept.includes('text/event-stream');
};

/** Whether the request carries a body (as body parsers decide it). */
const hasBody = (req: Request) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;

const requestIdOf = (body: unknown): RequestId =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && 'id' in body
    ? ((body as { id: RequestId }).id ?? null)
    : null;

/** Routes each HTTP request of the MCP endpoint to the right session's transport. */
@Injectable()
export class McpRequestHandler {
  private readonly logger = new Logger('McpModule');

  constructor(
    private readonly sessions: McpSessionManager,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
  ) {}

  async handlePost(req: Request, res: Response): Promise<void> {
    // Before anything else: a body that is not JSON was not parsed, so an `initialize`
    // in it could not be told from a request that lacks its session id.
    if (!isJsonContentType(req.headers['content-type'])) {
      const message = 'Unsupported Media Type: Content-Type must be application/json';
      return sendJsonRpcError(res, 415, JsonRpcErrorCode.ServerError, message, { id: null });
    }
    const body: unknown = req.body;
    if (body === undefined && hasBody(req)) {
      this.logger.error(
        'A JSON body reached the MCP endpoint unparsed: create the app without ' +
          '{ bodyParser: false }, or parse JSON bodies before the MCP route',
      );
      const message = 'Internal error: the server does not parse JSON bodies';
      return sendJsonRpcError(res, 500, JsonRpcErrorCode.InternalError, message, { id: null });
    }
    const messages: unknown[] = Array.isArray(body) ? body : [body];
    if (messages.some(isInitialize)) return this.initialize(req, res, body);
    await this.serveSession(req, res, body);
  }

  async handleGet(req: Request, res: Response): Promise<void> {
    await this.serveSession(req, res, undefined);
  }

  async handleDelete(req: Request, res: Response): Promise<void> {
    const sessionId = this.requireSessionId(req, res, null);
    if (!sessionId) return;
    // Checked by the SDK transport on POST and GET; a DELETE never reaches it.
    const version = req.headers[PROTOCOL_VERSION_HEADER];
    if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
      const message = `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`;
      return sendJsonRpcError(res, 400, JsonRpcErrorCode.ServerError, message, { id: null });
    }
    await this.guardStore(res, null, async () => {
      const ended =
        SESSION_ID_PATTERN.test(sessionId) &&
        (await this.sessions.terminate(sessionId, this.options.principal(req)));
      if (!ended) return this.sessionNotFound(res, null);
      res.status(200).end();
    });
  }

  /** Any method but POST, GET and DELETE: the endpoint exists, so 405 rather than 404. */
  refuseMethod(res: Response): void {
    sendJsonRpcError(res, 405, JsonRpcErrorCode.ServerError, 'Method not allowed.', {
      headers: { Allow: 'GET, POST, DELETE' },
    });
  }

  private async initialize(req: Request, res: Response, body: unknown): Promise<void> {
    const id = requestIdOf(body);
    if (Array.isArray(body)) {
      const message = 'Invalid Request: initialize must be sent alone, not in a batch';
      return sendJsonRpcError(res, 400, JsonRpcErrorCode.InvalidRequest, message, { id });
    }
    if (!acceptsBoth(req)) {
      const message =
        'Not Acceptable: Client must accept both application/json and text/event-stream';
      return sendJsonRpcError(res, 406, JsonRpcErrorCode.ServerError, message, { id });
    }
    const parsed = InitializeRequestSchema.safeParse(body);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      const message = `Invalid initialize params: ${problems.join('; ')}`;
      return sendJsonRpcError(res, 400, JsonRpcErrorCode.InvalidParams, message, { id });
    }
    await this.guardStore(res, id, async () => {
      const resolved = await this.startSession(req, parsed.data.params);
      await this.serve(req, res, body, resolved, async (response) => {
        if (response.status === 200) return;
        // Headers and params were checked above, so this is rare: a re-initialized session
        // keeps its new record and leaves memory; a new one goes entirely.
        if (resolved.restore) await this.sessions.evict(resolved.session.id);
        else await this.sessions.discard(resolved.session);
      });
    });
  }

  /** A new session, or the client's previous one when it re-sends `initialize` with its id. */
  private async startSession(
    req: Request,
    params: InitializeRequest['params'],
  ): Promise<ResolvedSession> {
    const principal = this.options.principal(req);
    const previousId = req.headers[SESSION_HEADER];
    if (typeof previousId === 'string' && SESSION_ID_PATTERN.test(previousId)) {
      const resumed = await this.sessions.reinitialize(previousId, params, principal);
      if (resumed) return resumed;
    }
    return { session: await this.sessions.create(params, principal) };
  }

  private async serveSession(req: Request, res: Response, body: unknown): Promise<void> {
    const id = requestIdOf(body);
    const sessionId = this.requireSessionId(req, res, id);
    if (!sessionId) return;
    await this.guardStore(res, id, async () => {
      const resolved = SESSION_ID_PATTERN.test(sessionId)
        ? await this.sessions.get(sessionId, this.options.principal(req))
        : undefined;
      if (!resolved) return this.sessionNotFound(res, id);
      this.defaultProtocolVersion(req, resolved.session);
      await this.serve(req, res, body, resolved);
    });
  }

  private async serve(
    req: Request,
    res: Response,
    body: unknown,
    { session, restore }: ResolvedSession,
    inspect?: (response: globalThis.Response) => Promise<void>,
  ): Promise<void> {
    const release = this.sessions.acquire(session);
    const detach = session.httpContexts.attach(body, {
      request: req,
      sessionId: session.id,
      restore,
    });
    try {
      if (req.method === 'GET') await this.dropUnknownLastEventId(req, session);
      await serveWithTransport(session.transport, req, res, body, inspect, {
        sseAsJson: this.options.enableJsonResponse && req.method === 'POST',
      });
    } finally {
      detach();
      release();
    }
  }

  /** Without the header the spec says: use the negotiated version (the SDK would assume 2025-03-26). */
  private defaultProtocolVersion(req: Request, session: McpSession): void {
    if (req.headers[PROTOCOL_VERSION_HEADER] !== undefined) return;
    req.headers[PROTOCOL_VERSION_HEADER] = session.record.protocolVersion;
    req.rawHeaders.push(PROTOCOL_VERSION_HEADER, session.record.protocolVersion);
  }

  /**
   * The SDK answers a `Last-Event-ID` its event store does not hold with 400, and a
   * client then never gets a GET stream again; yet the id is simply out of reach after a
   * restart, a move to another instance, or once its event aged out. The spec lets a
   * server not replay, so such a GET opens a fresh stream instead.
   */
  private async dropUnknownLastEventId(req: Request, session: McpSession): Promise<void> {
    const lastEventId = req.headers[LAST_EVENT_ID_HEADER];
    if (typeof lastEventId !== 'string' || !session.events) return;
    // A store that fails here fails again in the SDK, which answers for it.
    const known = await session.events.getStreamIdForEventId(lastEventId).catch(() => true);
    if (!known) delete req.headers[LAST_EVENT_ID_HEADER];
  }

  private requireSessionId(req: Request, res: Response, id: RequestId): string | undefined {
    const sessionId = req.headers[SESSION_HEADER];
    if (typeof sessionId === 'string' && sessionId.length > 0) return sessionId;
    const message = 'Bad Request: Mcp-Session-Id header is required';
    sendJsonRpcError(res, 400, JsonRpcErrorCode.ServerError, message, { id });
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
