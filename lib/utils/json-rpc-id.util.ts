/**
 * The id of a JSON-RPC request (a message with a method and an id), or `undefined` for
 * anything else: notifications have no id, and a response's id names a request of the
 * other side.
 */
export function requestIdIn(message: unknown): string | number | undefined {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return undefined;
  }
  const { method, id } = message as { method?: unknown; id?: unknown };
  if (typeof method !== 'string') return undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}
