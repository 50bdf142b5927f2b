import { JsonRpcErrorCode, jsonRpcErrorBody } from '../errors/json-rpc-error.body.js';
import { ErrorMessages } from '../errors/json-rpc-error.messages.js';

/** A JSON-RPC response as sent on an SSE stream: its JSON text, and what that text holds. */
export interface SseJsonRpcResponse {
  json: string;
  message: { id?: unknown; result?: unknown; error?: { code?: number; message?: string } };
}

/**
 * The JSON-RPC responses (results and errors) carried by an SSE body, in order;
 * notifications and requests on the stream are left out, as a JSON answer has no room
 * for them.
 */
export function jsonRpcResponsesIn(sse: string): SseJsonRpcResponse[] {
  const responses: SseJsonRpcResponse[] = [];
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const json = line.slice(5).trim();
    if (!json) continue;
    const message = JSON.parse(json) as SseJsonRpcResponse['message'];
    if ('result' in message || 'error' in message) responses.push({ json, message });
  }
  return responses;
}

/** Headers of an SSE answer that a JSON one drops; the rest (the session id) it keeps. */
const SSE_ONLY_HEADERS = new Set([
  'content-type',
  'cache-control',
  'connection',
  'x-accel-buffering',
]);

/** A complete HTTP answer. */
export interface JsonAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/**
 * The JSON answer to a POST whose SSE stream has ended (JSON response mode): its one
 * response, or the array of them for a batch.
 */
export function jsonAnswerOf(
  sse: string,
  status: number,
  sseHeaders: Record<string, string | string[]>,
): JsonAnswer {
  const headers = Object.fromEntries(
    Object.entries(sseHeaders).filter(([name]) => !SSE_ONLY_HEADERS.has(name)),
  );
  headers['content-type'] = 'application/json';
  const responses = jsonRpcResponsesIn(sse).map(({ json }) => json);
  if (responses.length === 0) {
    // The stream ended without an answer: the session was closed while the request ran.
    const message = ErrorMessages.closedBeforeAnswer;
    const body = JSON.stringify(jsonRpcErrorBody(JsonRpcErrorCode.InternalError, message, null));
    return { status: 500, headers, body };
  }
  const body = responses.length === 1 ? responses[0] : `[${responses.join(',')}]`;
  return { status, headers, body };
}
