import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Request } from 'express';
import type { SessionRestoreMarker } from '../interfaces/session-restore-marker.interface.js';

/** What the HTTP layer knows about the request that carried an MCP message. */
export interface McpHttpContext {
  request: Request;
  sessionId: string;
  restore?: SessionRestoreMarker;
  /** The protocol version the transport serves the request under, once it has a session. */
  protocolVersion?: string;
}

/**
 * The HTTP context of each JSON-RPC request a session is serving, by request id: the
 * SDK hands handlers the id, and the id is unique among a session's requests in flight.
 * (An `AsyncLocalStorage` would do the same at the price of promise hooks on every
 * promise of the process.)
 */
export class McpHttpContexts {
  private readonly byRequestId = new Map<RequestId, McpHttpContext>();

  get(requestId: RequestId): McpHttpContext | undefined {
    return this.byRequestId.get(requestId);
  }

  /**
   * Attaches `context` to every request in a POST body.
   *
   * @returns what detaches them again, when the HTTP exchange is over.
   */
  attach(body: unknown, context: McpHttpContext): () => void {
    const ids: RequestId[] = [];
    for (const message of Array.isArray(body) ? body : [body]) {
      const id = (message as { id?: unknown; method?: unknown } | null)?.id;
      if (
        (typeof id === 'string' || typeof id === 'number') &&
        (message as { method?: unknown }).method
      ) {
        this.byRequestId.set(id, context);
        ids.push(id);
      }
    }
    return () => {
      for (const id of ids) {
        if (this.byRequestId.get(id) === context) this.byRequestId.delete(id);
      }
    };
  }
}
