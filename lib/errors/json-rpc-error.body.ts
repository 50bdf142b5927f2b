/** JSON-RPC error codes this module answers with. */
export const JsonRpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Used by the SDK and this module for transport-level refusals. */
  ServerError: -32000,
  SessionNotFound: -32001,
} as const;

/** A JSON-RPC request id as an error answer carries it (`null` when unknown). */
export type JsonRpcId = string | number | null;

/** A JSON-RPC error message: the one place such a body is built. */
export const jsonRpcErrorBody = (code: number, message: string, id: JsonRpcId = null) => ({
  jsonrpc: '2.0' as const,
  error: { code, message },
  id,
});
