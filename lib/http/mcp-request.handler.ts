import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { JsonRpcId } from '../errors/json-rpc-error.body.js';
import { McpHttpError } from '../errors/mcp-http.error.js';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import { MCP_RESOLVED_OPTIONS } from '../mcp.constants.js';
import { isJsonContentType, type InitializeRequest } from '../sdk/protocol.js';
import { ModernEndpoint } from '../sdk/modern/modern-endpoint.js';
import type { HandleOptions } from '../sdk/session-channel.js';
import { McpSessionManager, type ResolvedSession } from '../session/mcp-session.manager.js';
import { requestIdIn } from '../utils/json-rpc-id.util.js';
import {
  hasBody,
  initializeParamsOf,
  isInitialize,
  isWellFormedSessionId,
  messagesOf,
  previousSessionId,
  requestIdOf,
  requireSessionId,
  requireSupportedProtocolVersion,
  requireValidBatch,
} from './mcp-request.checks.js';

const ALLOWED_METHODS = 'GET, POST, DELETE';
const RETRY_AFTER_SECONDS = 5;

/**
 * Serves the MCP endpoint, one protocol step after another: checks that throw the
 * refusals (`McpHttpError`, rendered by the endpoint's exception filter), then the
 * session the request names, then that session's channel to the SDK.
 */
@Injectable()
export class McpRequestHandler {
  private readonly logger = new Logger('McpModule');

  constructor(
    private readonly sessions: McpSessionManager,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly modern: ModernEndpoint,
  ) {}

  /**
   * POST: a 2026-07-28 request goes to the modern era's stateless handler; of 2025
   * traffic, `initialize` starts (or resumes) a session, and other messages go to the
   * session named.
   */
  async handlePost(req: Request, res: Response): Promise<void> {
    const body = this.jsonBody(req);
    if (this.modern.claims(req, body)) {
      this.refuseNewWorkWhileShuttingDown(req, body);
      return this.modern.serve(req, res, body);
    }
    requireValidBatch(body);
    this.refuseNewWorkWhileShuttingDown(req, body);
    if (messagesOf(body).some(isInitialize)) return this.initialize(req, res, body);
    await this.serveSession(req, res, body);
  }

  /** GET: the session's standalone SSE stream, or the resumption of a stream. */
  async handleGet(req: Request, res: Response): Promise<void> {
    this.refuseNewWorkWhileShuttingDown(req, undefined);
    await this.serveSession(req, res, undefined);
  }

  /** DELETE: ends the session here and in the store. */
  async handleDelete(req: Request, res: Response): Promise<void> {
    const sessionId = requireSessionId(req, null);
    requireSupportedProtocolVersion(req);
    this.refuseNewWorkWhileShuttingDown(req, undefined);
    const ended =
      isWellFormedSessionId(sessionId) &&
      (await this.withStore(null, () => this.sessions.terminate(sessionId, this.principal(req))));
    if (!ended) throw McpHttpError.sessionNotFound(null);
    res.status(200).end();
  }

  /** Any method but POST, GET and DELETE: the endpoint exists, so 405 rather than 404. */
  refuseMethod(): never {
    throw McpHttpError.methodNotAllowed(ALLOWED_METHODS);
  }

  /**
   * The parsed JSON body. Checked before anything else: a body that is not JSON was not
   * parsed, so an `initialize` in it could not be told from a request without a session id.
   */
  private jsonBody(req: Request): unknown {
    if (!isJsonContentType(req.headers['content-type'])) {
      throw McpHttpError.unsupportedMediaType();
    }
    if (req.body === undefined && hasBody(req)) {
      this.logger.error(
        'A JSON body reached the MCP endpoint unparsed: create the app without ' +
          '{ bodyParser: false }, or parse JSON bodies before the MCP route',
      );
      throw McpHttpError.bodyNotParsed();
    }
    return req.body as unknown;
  }

  private async initialize(req: Request, res: Response, body: unknown): Promise<void> {
    const id = requestIdOf(body);
    const params = initializeParamsOf(req, body);
    const previousId = previousSessionId(req, id);
    const resolved = await this.withStore(id, () => this.startSession(req, params, previousId));
    await this.serve(req, res, body, resolved, {
      inspect: async (status) => {
        if (status === 200) return;
        // Headers and params were checked above, so this is rare: a re-initialized session
        // keeps its new record and leaves memory; a new one goes entirely.
        if (resolved.restore) await this.sessions.evict(resolved.session.id);
        else await this.sessions.discard(resolved.session);
      },
    });
  }

  /** A new session, or the client's previous one when it re-sends `initialize` with its id. */
  private async startSession(
    req: Request,
    params: InitializeRequest['params'],
    previousId: string | undefined,
  ): Promise<ResolvedSession> {
    const principal = this.principal(req);
    if (previousId !== undefined) {
      const resumed = await this.sessions.reinitialize(previousId, params, principal);
      if (resumed) return resumed;
    }
    return { session: await this.sessions.create(params, principal) };
  }

  private async serveSession(req: Request, res: Response, body: unknown): Promise<void> {
    const id = requestIdOf(body);
    const sessionId = requireSessionId(req, id);
    const resolved =
      isWellFormedSessionId(sessionId) &&
      (await this.withStore(id, () => this.sessions.get(sessionId, this.principal(req))));
    if (!resolved) throw McpHttpError.sessionNotFound(id);
    // No await from here to `channel.handle`, which holds the body's ids from its first line.
    const messages = body === undefined ? [] : messagesOf(body);
    const reused = resolved.session.channel.inFlightIdIn(messages);
    if (reused !== undefined) throw McpHttpError.idInFlight(reused);
    await this.serve(req, res, body, resolved, {
      protocolVersion: resolved.session.record.protocolVersion,
      sessionId,
    });
  }

  private async serve(
    req: Request,
    res: Response,
    body: unknown,
    { session, restore }: ResolvedSession,
    options: Pick<HandleOptions, 'protocolVersion' | 'sessionId' | 'inspect'>,
  ): Promise<void> {
    const release = this.sessions.acquire(session);
    try {
      // A shared event store may be needed (a stream resumed); its outage is a 503 too.
      await this.withStore(requestIdOf(body), () =>
        session.channel.handle(req, res, {
          body,
          context: { request: req, sessionId: session.id, restore },
          protocolVersion: options.protocolVersion,
          sessionId: options.sessionId,
          inspect: options.inspect,
          sseAsJson: this.options.enableJsonResponse && req.method === 'POST',
        }),
      );
    } finally {
      release();
    }
  }

  /**
   * Once shutdown has begun, new work goes to another instance (503, `Retry-After`): a
   * request, a new GET stream, a DELETE. What the requests in flight may still need gets
   * through: the client's answers to the server's requests, its notifications (such as a
   * cancellation), and the resumption of a stream (`Last-Event-ID`).
   */
  private refuseNewWorkWhileShuttingDown(req: Request, body: unknown): void {
    if (!this.sessions.shuttingDown) return;
    let newWork = true;
    if (req.method === 'POST') newWork = messagesOf(body).some((m) => requestIdIn(m) !== undefined);
    if (req.method === 'GET') newWork = req.headers['last-event-id'] === undefined;
    if (newWork) throw McpHttpError.shuttingDown(requestIdOf(body), RETRY_AFTER_SECONDS);
  }

  private principal(req: Request): string | undefined {
    return this.options.principal(req);
  }

  /** Runs work that needs the session store; an outage is 503 with `Retry-After`. */
  private async withStore<T>(id: JsonRpcId, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof SessionStoreUnavailableError)) throw error;
      this.logger.warn(error.message);
      throw McpHttpError.storeUnavailable(id, RETRY_AFTER_SECONDS);
    }
  }
}
