import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import { jsonRpcResponsesIn } from './sse-json.answer.js';
import { WebRequest } from './web-request.js';

// Never reaches the network: the transport only reads headers and the URL.
const REPLAY_URL = 'http://session-restore.invalid/';
const REPLAY_ID_PREFIX = 'session-restore:';

async function post(
  transport: WebStandardStreamableHTTPServerTransport,
  message: JSONRPCMessage,
  record?: SessionRecord,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    'content-type': 'application/json',
  };
  if (record) {
    headers['mcp-session-id'] = record.sessionId;
    headers['mcp-protocol-version'] = record.protocolVersion;
  }
  const request = new WebRequest({ method: 'POST', url: REPLAY_URL, headers });
  const response = await transport.handleRequest(request.asRequest(), { parsedBody: message });
  return { status: response.status, body: await response.text() };
}

/** The JSON-RPC error in the transport's SSE answer, if there is one. */
function errorIn(sse: string): string | undefined {
  const [response] = jsonRpcResponsesIn(sse);
  if (!response) return 'empty response';
  const { error } = response.message;
  return error ? (error.message ?? 'error') : undefined;
}

/**
 * Rebuilds the protocol state of a fresh transport and its server from a stored record,
 * through public API only: the stored `initialize` through the transport's
 * `handleRequest` (which sets up its session), `notifications/initialized` through its
 * `onmessage`, then the stored logging level. The caller mutes the event store meanwhile.
 */
export async function replayInitialize(
  transport: WebStandardStreamableHTTPServerTransport,
  record: SessionRecord,
): Promise<void> {
  const init = await post(transport, {
    jsonrpc: '2.0',
    id: `${REPLAY_ID_PREFIX}initialize`,
    method: 'initialize',
    params: record.initializeParams,
  });
  const initError = init.status === 200 ? errorIn(init.body) : `HTTP ${init.status} ${init.body}`;
  if (initError) throw new Error(`replayed initialize failed: ${initError}`);

  // The transport only checks a notification's headers (ours) and hands it to the
  // server, so the stored session's `notifications/initialized` goes there directly.
  transport.onmessage?.({ jsonrpc: '2.0', method: 'notifications/initialized' });

  if (record.loggingLevel) {
    const setLevel = await post(
      transport,
      {
        jsonrpc: '2.0',
        id: `${REPLAY_ID_PREFIX}logging`,
        method: 'logging/setLevel',
        params: { level: record.loggingLevel },
      },
      record,
    );
    const levelError = setLevel.status === 200 ? errorIn(setLevel.body) : `HTTP ${setLevel.status}`;
    if (levelError) throw new Error(`replayed logging/setLevel failed: ${levelError}`);
  }
}
