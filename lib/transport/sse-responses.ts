/**
 * The JSON-RPC responses (results and errors) carried by an SSE body, in the order they
 * were sent; notifications and requests on the stream are left out, as a JSON response
 * has no room for them.
 */
export function jsonRpcResponsesIn(sse: string): unknown[] {
  const responses: unknown[] = [];
  for (const line of sse.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (!data) continue;
    const message = JSON.parse(data) as Record<string, unknown>;
    if ('result' in message || 'error' in message) responses.push(message);
  }
  return responses;
}
