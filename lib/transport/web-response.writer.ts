import type { ServerResponse } from 'node:http';
import { jsonRpcResponsesIn } from './sse-responses.js';

/** Resolves on the next turn of the event loop, after pending I/O callbacks. */
const nextTurn = () => new Promise<undefined>((resolve) => setImmediate(resolve, undefined));

type Chunk = ReadableStreamReadResult<Uint8Array>;

function headersOf(response: Response): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  return headers;
}

/** How a response is written. */
export interface WriteOptions {
  /**
   * Answer an SSE stream as one JSON body once it ends: its JSON-RPC response, or an
   * array of them for a batch (JSON response mode).
   */
  sseAsJson?: boolean;
}

/**
 * Writes a Fetch `Response` to Node's response. A body that is complete at once (JSON,
 * errors) goes out with a `Content-Length`; a stream (SSE) is written chunk by chunk as
 * it is produced. The status line and headers wait for the first chunk for at most one
 * turn of the event loop, so a quick answer leaves in a single write; the end of the
 * stream is written together with its last chunk. When the client goes away the stream
 * is cancelled, which tells the transport the stream is gone.
 *
 * @returns when the response is finished or the client has gone.
 */
export async function writeWebResponse(
  response: Response,
  res: ServerResponse,
  { sseAsJson = false }: WriteOptions = {},
): Promise<void> {
  const headers = headersOf(response);
  if (!response.body) {
    res.writeHead(response.status, headers).end();
    return;
  }
  const reader = response.body.getReader();
  const gone = () => void reader.cancel().catch(() => undefined);
  res.once('close', gone);
  try {
    const sse = String(headers['content-type']).startsWith('text/event-stream');
    if (!sse || sseAsJson) {
      const body = await readAll(reader);
      if (sse) return writeAsJson(body, response.status, headers, res);
      headers['content-length'] = String(body.byteLength);
      res.writeHead(response.status, headers).end(body);
      return;
    }
    res.writeHead(response.status, headers);
    let read = reader.read();
    const first = await Promise.race([read, nextTurn()]);
    if (first === undefined) res.flushHeaders();
    for (let chunk: Chunk = first ?? (await read); !chunk.done; chunk = await read) {
      if (res.destroyed) return;
      res.cork();
      res.write(chunk.value);
      process.nextTick(() => res.uncork());
      read = reader.read();
    }
    res.end();
  } catch {
    res.destroy();
  } finally {
    res.off('close', gone);
  }
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    chunks.push(chunk.value);
  }
  return Buffer.concat(chunks);
}

/** The headers a JSON answer keeps from an SSE one: the transport's own, like the session id. */
const SSE_ONLY_HEADERS = new Set([
  'content-type',
  'cache-control',
  'connection',
  'x-accel-buffering',
]);

function writeAsJson(
  sse: Buffer,
  status: number,
  sseHeaders: Record<string, string | string[]>,
  res: ServerResponse,
): void {
  const responses = jsonRpcResponsesIn(sse.toString('utf8'));
  const headers = Object.fromEntries(
    Object.entries(sseHeaders).filter(([name]) => !SSE_ONLY_HEADERS.has(name)),
  );
  headers['content-type'] = 'application/json';
  let body: string;
  if (responses.length > 0) {
    body = JSON.stringify(responses.length === 1 ? responses[0] : responses);
  } else {
    // The stream ended without an answer: the session was closed while the request ran.
    status = 500;
    body = JSON.stringify({
      jsonrpc: '2.0',
      error: { code: -32603, message: 'Internal error: the session closed before answering' },
      id: null,
    });
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers).end(body);
}
