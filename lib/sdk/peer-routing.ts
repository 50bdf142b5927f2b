import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { InstanceRequestIds, isAnswer, type ForeignMessage } from './instance-request-ids.js';

/** Hands a message of this session to another instance (one, or every one); never rejects. */
export type ForwardToPeers = (foreign: ForeignMessage) => Promise<void>;

const isCancellation = (message: JSONRPCMessage): boolean =>
  'method' in message && message.method === 'notifications/cancelled' && !('id' in message);

const cancelledId = (message: JSONRPCMessage): RequestId | undefined =>
  (message as { params?: { requestId?: RequestId } }).params?.requestId;

/**
 * What a session's channel does so that any instance can take the client's next POST:
 * the requests it sends get ids unique across instances, a client's answer to another
 * instance's request goes to that instance, and a cancellation of a request this
 * instance is not running goes to every instance (the one running it aborts it).
 */
export class PeerRouting {
  private readonly ids: InstanceRequestIds;

  constructor(
    instanceId: string,
    private readonly forward: ForwardToPeers,
  ) {
    this.ids = new InstanceRequestIds(instanceId);
  }

  /** A message this instance sends to the client. */
  outgoing(message: JSONRPCMessage): JSONRPCMessage {
    return this.ids.outgoing(message);
  }

  /** A message another instance handed over, as this instance's transport expects it. */
  incoming(message: JSONRPCMessage): JSONRPCMessage | undefined {
    return this.ids.sort([message]).own[0];
  }

  /**
   * Hands what of a POST body belongs to other instances to them (without waiting: the
   * forwarder logs what it could not hand over), and returns the rest for this instance's
   * transport (`undefined` when nothing is left).
   *
   * @param runsHere whether a request of the client is in flight on this instance.
   */
  route(body: unknown, runsHere: (id: RequestId) => boolean): unknown {
    const batch = Array.isArray(body);
    const messages = (batch ? body : [body]) as JSONRPCMessage[];
    // Requests and most notifications: nothing to hand over, nothing to rewrite.
    if (!messages.some((m) => isAnswer(m) || isCancellation(m))) return body;
    const { own, foreign } = this.ids.sort(messages);
    for (const message of own) {
      const id = isCancellation(message) ? cancelledId(message) : undefined;
      if (id !== undefined && !runsHere(id)) foreign.push({ message });
    }
    for (const message of foreign) void this.forward(message);
    if (own.length === 0) return undefined;
    return batch ? own : own[0];
  }
}
