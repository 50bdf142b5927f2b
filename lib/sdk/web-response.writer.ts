import type { ServerResponse } from 'node:http';
import { jsonAnswerOf } from './sse-json.answer.js';

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
 * stream is written together with its last chunk. With `sseAsJson` the stream is read to
 * its end and answered as JSON instead (see {@link jsonAnswerOf}). When the client goes
 * away the stream is cancelled, which tells the transport the stream is gone.
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
  // The client may have gone while the response was being prepared (e.g. a slow store).
  if (res.closed || res.destroyed) return gone();
  res.once('close', gone);
  try {
    const sse = String(headers['content-type']).startsWith('text/event-stream');
    if (!sse || sseAsJson) {
      const body = await readAll(reader);
      if (sse) {
        const answer = jsonAnswerOf(body.toString('utf8'), response.status, headers);
        answer.headers['content-length'] = String(Buffer.byteLength(answer.body));
        res.writeHead(answer.status, answer.headers).end(answer.body);
        return;
      }
      headers['content-length'] = String(body.byteLength);
      res.writeHead(response.status, headers).end(body);
      return;
    }
    res.writeHead(response.status, headers);
    let read = reader.read();
    const first = await Promise.race([read, nextTurn()]);
    if (first === undefined) res.flushHeaders();
    for (let chunk: Chunk = first ?? (await read); !chunk.done; chunk = await read) {
      if (res.destroyed) return gone();
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
