import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Request, Response } from 'express';
import type { SessionEventStore } from './session-event.store.js';

/**
 * Serves a GET that resumes a stream another instance produces, when the event store
 * follows it (see `McpEventStore.followStream`): this instance's SDK transport would
 * replay what was kept, then wait for what only that other instance sends. The events
 * are written as the SDK writes them.
 *
 * @returns whether it served the request (false: the SDK transport serves it).
 */
export async function serveFollowedStream(
  events: SessionEventStore,
  sessionId: string | undefined,
  req: Request,
  res: Response,
): Promise<boolean> {
  const lastEventId = req.headers['last-event-id'];
  if (typeof lastEventId !== 'string') return false;
  // The SDK refuses such a GET (406); let it say so.
  if (!String(req.headers.accept).includes('text/event-stream')) return false;
  const abort = new AbortController();
  const gone = () => abort.abort();
  res.once('close', gone);
  const start = () => {
    if (res.headersSent) return;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    });
    res.flushHeaders();
  };
  const send = async (eventId: string, message: JSONRPCMessage) => {
    start();
    res.write(`event: message\nid: ${eventId}\ndata: ${JSON.stringify(message)}\n\n`);
  };
  try {
    if (!(await events.followStream(lastEventId, send, abort.signal))) return false;
    start();
    res.end();
    return true;
  } finally {
    res.off('close', gone);
  }
}
