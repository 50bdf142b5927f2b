import { HttpException, type Logger } from '@nestjs/common';
import type { Response } from 'express';
import { JsonRpcErrorCode, jsonRpcErrorBody } from '../errors/json-rpc-error.body.js';
import { ErrorMessages } from '../errors/json-rpc-error.messages.js';
import { McpHttpError } from '../errors/mcp-http.error.js';

/** Answers with the error's HTTP status, headers and JSON-RPC error body. */
export function sendJsonRpcError(res: Response, error: McpHttpError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.status(error.status);
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.json(jsonRpcErrorBody(error.code, error.message, error.id));
}

/**
 * Answers an exception raised on the MCP endpoint: an {@link McpHttpError} as it says,
 * an `HttpException` with its status (a body that is not JSON as a parse error), anything
 * else as a logged 500.
 */
export function sendExceptionAsJsonRpc(res: Response, exception: unknown, logger: Logger): void {
  sendJsonRpcError(res, asMcpHttpError(exception, logger));
}

function asMcpHttpError(exception: unknown, logger: Logger): McpHttpError {
  if (exception instanceof McpHttpError) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (exception.cause instanceof SyntaxError) {
      const message = ErrorMessages.parseError(exception.message);
      return new McpHttpError(status, JsonRpcErrorCode.ParseError, message);
    }
    return new McpHttpError(status, JsonRpcErrorCode.ServerError, exception.message);
  }
  logger.error(
    'Unhandled error on the MCP endpoint',
    exception instanceof Error ? exception.stack : String(exception),
  );
  return new McpHttpError(500, JsonRpcErrorCode.InternalError, ErrorMessages.internalError);
}
