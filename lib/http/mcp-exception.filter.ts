import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { sendExceptionAsJsonRpc } from './json-rpc-error.response.js';

/**
 * Gives every error raised while the MCP route runs (its guards, interceptors and pipes
 * included) a JSON-RPC body. Errors raised before it, by the body parser, are
 * {@link McpBodyErrorHandler}'s.
 */
@Catch()
export class McpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('McpModule');

  catch(exception: unknown, host: ArgumentsHost): void {
    sendExceptionAsJsonRpc(host.switchToHttp().getResponse<Response>(), exception, this.logger);
  }
}
