import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import { JsonRpcErrorCode, sendJsonRpcError } from './json-rpc-error.response.js';

/** Gives every error on the MCP endpoint a JSON-RPC body, whatever threw it. */
@Catch()
export class McpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('McpModule');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = status === 400 ? JsonRpcErrorCode.InvalidRequest : JsonRpcErrorCode.ServerError;
      return sendJsonRpcError(res, status, code, exception.message);
    }
    this.logger.error(
      'Unhandled error on the MCP endpoint',
      exception instanceof Error ? exception.stack : String(exception),
    );
    sendJsonRpcError(res, 500, JsonRpcErrorCode.InternalError, 'Internal error');
  }
}
