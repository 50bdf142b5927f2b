import { HttpException, type Logger } from '@nestjs/common';
import type { Response } from 'express';

/** JSON-RPC error codes the HTTP layer answers with. */
export const JsonRpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Used by the SDK and this module for transport-level refusals. */
  ServerError: -32000,
  SessionNotFound: -32001,
} as const;

type RequestId = string | number | null;

/** A JSON-RPC error message. */
export const jsonRpcErrorBody = (code: number, message: string, id: RequestId = null) => ({
  jsonrpc: '2.0' as const,
  error: { code, message },
  id,
});

/** Answers with an HTTP status and a JSON-RPC error body. */
export function sendJsonRpcError(
  res: Response,
  status: number,
  code: number,
  message: string,
  options: { id?: RequestId; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(status);
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
  res.json(jsonRpcErrorBody(code, message, options.id ?? null));
}

/**
 * Answers an exception raised on the MCP endpoint: an `HttpException` with its status
 * (a body that is not JSON as a parse error), anything else as a logged 500.
 */
export function sendExceptionAsJsonRpc(res: Response, exception: unknown, logger: Logger): void {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (exception.cause instanceof SyntaxError) {
      const message = `Parse error: ${exception.message}`;
      return sendJsonRpcError(res, status, JsonRpcErrorCode.ParseError, message);
    }
    return sendJsonRpcError(res, status, JsonRpcErrorCode.ServerError, exception.message);
  }
  logger.error(
    'Unhandled error on the MCP endpoint',
    exception instanceof Error ? exception.stack : String(exception),
  );
  sendJsonRpcError(res, 500, JsonRpcErrorCode.InternalError, 'Internal error');
}
