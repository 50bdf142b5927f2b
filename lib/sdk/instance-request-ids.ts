import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';

/** A client's answer (or cancellation) that belongs to another instance of the server. */
export interface ForeignMessage {
  /** The instance that sent the request answered; `undefined` for a cancellation. */
  instanceId?: string;
  message: JSONRPCMessage;
}

const GLOBAL_ID = /^([A-Za-z0-9_-]{8})\.(\d+)$/;

/**
 * The ids of the requests this instance sends to clients (sampling, elicitation, roots,
 * ping), made unique across the instances of the server: the SDK numbers them from 0 per
 * transport, so two instances serving one session would both send id 0. Outgoing, `n`
 * becomes `<instanceId>.<n>`; a client's answer with such an id is handed back as `n`
 * here, or belongs to the instance it names.
 */
export class InstanceRequestIds {
  constructor(readonly instanceId: string) {}

  /**
   * The message as sent to the client: a request gets its global id, and so does a
   * cancellation of one.
   */
  outgoing(message: JSONRPCMessage): JSONRPCMessage {
    if (!('method' in message)) return message;
    if ('id' in message) return { ...message, id: this.globalId(message.id) };
    if (message.method !== 'notifications/cancelled') return message;
    const params = message.params as { requestId?: RequestId } | undefined;
    if (params?.requestId === undefined) return message;
    return { ...message, params: { ...params, requestId: this.globalId(params.requestId) } };
  }

  private globalId(id: RequestId): string {
    return `${this.instanceId}.${id}`;
  }

  /**
   * Sorts the messages of a POST body: what this instance serves (answers to its own
   * requests with their ids as the SDK gave them), and what belongs elsewhere (answers
   * to another instance's requests).
   */
  sort(messages: readonly JSONRPCMessage[]): { own: JSONRPCMessage[]; foreign: ForeignMessage[] } {
    const own: JSONRPCMessage[] = [];
    const foreign: ForeignMessage[] = [];
    for (const message of messages) {
      const owner = isAnswer(message) ? GLOBAL_ID.exec(String(message.id)) : null;
      if (!owner) own.push(message);
      else if (owner[1] === this.instanceId) own.push({ ...message, id: Number(owner[2]) });
      else foreign.push({ instanceId: owner[1], message });
    }
    return { own, foreign };
  }
}

/** A response or error sent by the client: no method, an id. */
export const isAnswer = (message: JSONRPCMessage): message is JSONRPCMessage & { id: RequestId } =>
  typeof message === 'object' && message !== null && !('method' in message) && 'id' in message;
