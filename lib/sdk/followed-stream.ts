import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import { McpHttpError } from '../errors/mcp-http.error.js';
import type { FollowedStreamSink } from '../interfaces/mcp-event-store.interface.js';
import type { SessionEventStore } from './session-event.store.js';

/** Writes a followed stream as the SDK writes an SSE stream. */
class SseSink implements FollowedStreamSink {
  private readonly abort = new AbortController();
  readonly signal = this.abort.signal;
  private readonly gone = () => this.abort.abort();

  constructor(
    private readonly res: Response,
    private readonly sessionId: string | undefined,
    private readonly closed: AbortSignal,
  ) {
    res.once('close', this.gone);
    closed.addEventListener('abort', this.gone, { once: true });
    if (closed.aborted) this.gone();
  }

  dispose(): void {
    this.res.off('close', this.gone);
    this.closed.removeEventListener('abort', this.gone);
  }

  open(): void {
    if (this.res.headersSent) return;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
    });
    this.res.flushHeaders();
  }

  async send(eventId: string, message: JSONRPCMessage): Promise<void> {
    this.open();
    this.res.write(`event: message\nid: ${eventId}\ndata: ${JSON.stringify(message)}\n\n`);
  }

  /** Ends the response, once the store has followed the stream to its end. */
  end(): void {
    this.open();
    if (!this.res.writableEnded) this.res.end();
  }
}

/**
 * Serves a session's GET requests when its event store follows streams across instances
 * (see `McpEventStore.followStream`): the standalone GET stream, fresh or resumed, is
 * always followed in the store, wherever its events come from, so the SDK transport never
 * holds one; the resumption of a request stream that another instance produces is
 * followed to its answer. The resumption of this instance's own request streams is left
 * to the SDK.
 */
export class FollowedStreams {
  private readonly closed = new AbortController();
  private standaloneOpen = false;

  constructor(
    private readonly events: SessionEventStore,
    private readonly sessionId: () => string | undefined,
  ) {}

  /** @returns whether it served the request (false: the SDK transport serves it). */
  async serve(req: Request, res: Response): Promise<boolean> {
    // The SDK refuses such a GET (406); let it say so.
    if (!String(req.headers.accept).includes('text/event-stream')) return false;
    const lastEventId = req.headers['last-event-id'];
    const sink = new SseSink(res, this.sessionId(), this.closed.signal);
    try {
      if (typeof lastEventId === 'string') {
        if (await this.events.followStream(lastEventId, sink)) return this.ended(sink);
        // An event of this instance's own request stream: the SDK replays it. An unknown
        // one (after a restart, or aged out) gets a fresh stream, as the spec allows.
        if ((await this.events.getStreamIdForEventId(lastEventId)) !== undefined) return false;
      }
      if (this.standaloneOpen) throw McpHttpError.streamConflict();
      this.standaloneOpen = true;
      try {
        await this.events.followStream(undefined, sink);
      } finally {
        this.standaloneOpen = false;
      }
      return this.ended(sink);
    } finally {
      sink.dispose();
    }
  }

  /** Ends every followed stream: the session closed. */
  close(): void {
    this.closed.abort();
  }

  private ended(sink: SseSink): true {
    sink.end();
    return true;
  }
}
