import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

type Transport = Pick<WebStandardStreamableHTTPServerTransport, 'onmessage' | 'send'>;

/**
 * Calls `hold` for each JSON-RPC request the transport hands the server, and the function
 * it returns once the answer has been sent, or once the client cancels the request (the
 * SDK does not answer those). The HTTP exchange can end before the answer: the client
 * disconnects, or a tool closes its SSE stream for the client to poll; the answer then
 * goes to the event store, so the session must stay live until it is sent.
 */
export function holdUntilAnswered(transport: Transport, hold: () => () => void): void {
  const pending = new Map<RequestId, () => void>();
  const release = (id: RequestId | undefined) => {
    if (id === undefined) return;
    pending.get(id)?.();
    pending.delete(id);
  };
  const deliver = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ('method' in message) {
      if ('id' in message) {
        if (!pending.has(message.id)) pending.set(message.id, hold());
      } else if (message.method === 'notifications/cancelled') {
        release((message.params as { requestId?: RequestId } | undefined)?.requestId);
      }
    }
    deliver?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    try {
      await send(message, options);
    } finally {
      if (!('method' in message) && 'id' in message) release(message.id);
    }
  };
}
