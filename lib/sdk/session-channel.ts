import { EventEmitter } from 'node:events';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import {
  LoggingLevelSchema,
  type JSONRPCMessage,
  type LoggingLevel,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { JsonRpcErrorCode } from '../errors/json-rpc-error.body.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import { requestIdIn } from '../utils/json-rpc-id.util.js';
import { ArrivingRequestIds } from './arriving-request-ids.js';
import { replayInitialize } from './initialize-replay.js';
import { McpHttpContexts, type McpHttpContext } from './mcp-http-context.js';
import type { PeerRouting } from './peer-routing.js';
import type { SessionEventStore } from './session-event.store.js';
import { FollowedStreams } from './followed-stream.js';
import { holdsLastEventId, transportRequest } from './transport-request.js';
import { writeWebResponse } from './web-response.writer.js';

/** What a {@link SessionChannel} tells its session about. */
export interface SessionChannelEvents {
  /** The client sent a JSON-RPC request (once per id in flight). */
  requestStarted: [id: RequestId];
  /** A request started earlier was answered, or the client cancelled it. */
  requestAnswered: [id: RequestId];
  /** The client changed the session's logging level (`logging/setLevel`). */
  loggingLevelChanged: [level: LoggingLevel];
  /** The client subscribed to a resource or unsubscribed: the URIs it is subscribed to now. */
  subscriptionsChanged: [uris: string[]];
  /** The SDK server and transport closed. */
  closed: [];
}

/** How one HTTP request is handed to the session's transport. */
export interface HandleOptions {
  /** The parsed JSON body of a POST. */
  body?: unknown;
  /** The HTTP request and restore marker that the handlers of the body's requests see. */
  context: Omit<McpHttpContext, 'protocolVersion'>;
  /** The protocol version the transport assumes when the request names none. */
  protocolVersion?: string;
  /**
   * The session id the request names, as one value: the transport sees it instead of the
   * header as sent (a client may send the header twice, which Node joins into one value).
   */
  sessionId?: string;
  /** Answer a POST's SSE stream as one JSON body once it ends (JSON response mode). */
  sseAsJson?: boolean;
  /** Sees the transport's HTTP status before the answer is written. */
  inspect?: (status: number) => Promise<void>;
}

const PROTOCOL_VERSION_HEADER = 'mcp-protocol-version';

/** Checked on every message, so by method alone: the SDK validates the rest. */
const isSetLevelRequest = (
  message: JSONRPCMessage,
): message is JSONRPCMessage & { params?: { level?: unknown } } =>
  'method' in message && message.method === 'logging/setLevel' && 'id' in message;

/**
 * The one seam between a live session and the SDK: it owns the session's SDK server and
 * transport, wraps their message callbacks once, and tells what happens through typed
 * events. HTTP requests reach the transport only through {@link handle}, which takes
 * what it changes as arguments and never edits the request.
 */
export class SessionChannel extends EventEmitter<SessionChannelEvents> {
  private readonly contexts = new McpHttpContexts();
  private readonly inFlight = new Set<RequestId>();
  private readonly arriving = new ArrivingRequestIds();
  private level: LoggingLevel | undefined;
  private sdkServer?: McpServer;
  /** GET streams followed in the event store, when it follows streams across instances. */
  private readonly followed?: FollowedStreams;

  constructor(
    private readonly transport: WebStandardStreamableHTTPServerTransport,
    /** The session's view of the event store; none in JSON response mode. */
    readonly events: SessionEventStore | undefined,
    loggingLevel: LoggingLevel | undefined,
    /** How this session's messages reach the other instances; none without a bus. */
    private readonly peers?: PeerRouting,
  ) {
    super();
    this.level = loggingLevel;
    if (events?.follows) this.followed = new FollowedStreams(events, () => transport.sessionId);
  }

  /** The level set by `logging/setLevel`, if any. */
  get loggingLevel(): LoggingLevel | undefined {
    return this.level;
  }

  /** The SDK server; set once {@link connect} has run. */
  get server(): McpServer {
    if (!this.sdkServer) throw new Error('SessionChannel: not connected');
    return this.sdkServer;
  }

  /** The HTTP context of the JSON-RPC request with this id, while it is being served. */
  httpContext(requestId: RequestId): McpHttpContext | undefined {
    return this.contexts.get(requestId);
  }

  /**
   * The first request among `messages` whose id is that of a request still in flight on
   * this session, if any: the SDK would answer only one of the two.
   */
  inFlightIdIn(messages: readonly unknown[]): RequestId | undefined {
    for (const message of messages) {
      const id = requestIdIn(message);
      if (id !== undefined && (this.inFlight.has(id) || this.arriving.has(id))) return id;
    }
    return undefined;
  }

  /** Connects the server to the transport, then wraps their callbacks. */
  async connect(server: McpServer): Promise<void> {
    this.sdkServer = server;
    await server.connect(this.transport);
    server.server.onclose = () => {
      this.followed?.close();
      this.emit('closed');
    };
    const deliver = this.transport.onmessage;
    this.transport.onmessage = (message, extra) => {
      this.received(message);
      deliver?.(message, extra);
    };
    const send = this.transport.send.bind(this.transport);
    this.transport.send = async (message, options) => {
      try {
        await send(this.peers ? this.peers.outgoing(message) : message, options);
      } finally {
        if (!('method' in message) && 'id' in message) this.answered(message.id);
      }
    };
  }

  /**
   * Rebuilds the protocol state of this fresh channel from a stored record, through the
   * transport's public API, leaving no SSE event behind.
   */
  async replayInitialize(record: SessionRecord): Promise<void> {
    const replay = () => replayInitialize(this.transport, record);
    await (this.events ? this.events.muteDuring(replay) : replay());
  }

  /**
   * Serves one HTTP request with the transport and writes its answer to `res`.
   *
   * @returns when the answer is written or the client has gone.
   */
  async handle(req: Request, res: Response, options: HandleOptions): Promise<void> {
    // Held before the first await, so that a request checked with `inFlightIdIn` in the
    // same tick sees these before the transport does.
    const held = this.arriving.hold(options.body);
    try {
      await this.serve(req, res, options);
    } finally {
      this.arriving.release(held);
    }
  }

  private async serve(req: Request, res: Response, options: HandleOptions): Promise<void> {
    if (req.method === 'GET' && this.followed) {
      if (await this.followed.serve(req, res)) return;
    }
    if (this.peers && req.method === 'POST') {
      const body = this.peers.route(options.body, (id) => this.inFlight.has(id));
      // Answers and cancellations only, all for other instances: taken, as the SDK would.
      if (body === undefined) return void res.status(202).end();
      options = { ...options, body };
    }
    // Only a GET awaits anything here.
    const dropLastEventId = req.method === 'GET' && !(await holdsLastEventId(req, this.events));
    const request = transportRequest(req, options, dropLastEventId);
    const protocolVersion = request.headers.get(PROTOCOL_VERSION_HEADER) ?? undefined;
    const { request: httpRequest, sessionId, restore } = options.context;
    const context = { request: httpRequest, sessionId, restore, protocolVersion };
    const detach = this.contexts.attach(options.body, context);
    try {
      const response = await this.transport.handleRequest(request.asRequest(), {
        parsedBody: options.body,
      });
      await options.inspect?.(response.status);
      await writeWebResponse(response, res, { sseAsJson: options.sseAsJson });
    } finally {
      detach();
    }
  }

  /** How many of the client's JSON-RPC requests await their answer (streams do not count). */
  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Answers every request of the client still awaiting its answer with a JSON-RPC error
   * (-32000, `message`), on the request's own stream, or in the event store when the
   * client left that stream: at shutdown, so that clients retry rather than wait out their
   * timeout. A handler that finishes later cannot answer again.
   */
  async failInFlight(message: string): Promise<void> {
    const error = { code: JsonRpcErrorCode.ServerError, message };
    // The wrapped `send` counts each request answered, even when sending fails.
    const send = (id: RequestId) =>
      this.transport
        .send({ jsonrpc: '2.0', id, error }, { relatedRequestId: id })
        .catch(() => undefined);
    await Promise.all([...this.inFlight].map(send));
  }

  /**
   * Hands the transport a message another instance received for this session: the
   * client's answer to a request sent from here, or a cancellation.
   */
  deliver(message: unknown): void {
    const local = this.peers?.incoming(message as JSONRPCMessage);
    if (local) this.transport.onmessage?.(local);
  }

  /** Closes the SDK server and transport. */
  async close(): Promise<void> {
    await this.sdkServer?.close();
  }

  private received(message: JSONRPCMessage): void {
    if (!('method' in message)) return;
    if ('id' in message) {
      if (!this.inFlight.has(message.id)) {
        this.inFlight.add(message.id);
        this.emit('requestStarted', message.id);
      }
      if (isSetLevelRequest(message)) this.setLevel(message.params?.level);
    } else if (message.method === 'notifications/cancelled') {
      // The SDK does not answer a cancelled request.
      this.answered((message.params as { requestId?: RequestId } | undefined)?.requestId);
    }
  }

  private answered(id: RequestId | undefined): void {
    if (id !== undefined && this.inFlight.delete(id)) this.emit('requestAnswered', id);
  }

  private setLevel(value: unknown): void {
    const level = LoggingLevelSchema.safeParse(value);
    if (!level.success || level.data === this.level) return;
    this.level = level.data;
    this.emit('loggingLevelChanged', level.data);
  }
}
