import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { requestIdIn } from '../utils/json-rpc-id.util.js';

/**
 * The ids of the requests in POST bodies handed to a session's transport that the
 * transport has not seen yet: held from the first line of the hand-over, so that another
 * request with one of these ids, checked in the same tick, is known to reuse it.
 */
export class ArrivingRequestIds {
  private readonly ids = new Set<RequestId>();

  has(id: RequestId): boolean {
    return this.ids.has(id);
  }

  /** Holds the ids of the requests in `body` not held yet, and returns them. */
  hold(body: unknown): RequestId[] {
    const held: RequestId[] = [];
    for (const message of Array.isArray(body) ? body : [body]) {
      const id = requestIdIn(message);
      if (id !== undefined && !this.ids.has(id)) {
        this.ids.add(id);
        held.push(id);
      }
    }
    return held;
  }

  release(held: readonly RequestId[]): void {
    for (const id of held) this.ids.delete(id);
  }
}
