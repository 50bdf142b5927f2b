import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter, ModulesContainer } from '@nestjs/core';
import type { Request, Response } from 'express';
import { MCP_PATH } from '../mcp.constants.js';
import { JsonRpcErrorCode, sendJsonRpcError } from './json-rpc-error.response.js';

/**
 * Gives every error on an MCP endpoint a JSON-RPC body, including those raised before
 * the route runs (malformed JSON, oversized bodies from the body parser); errors on any
 * other route get Nest's default handling.
 *
 * Each `McpModule.forRoot()` registers one, but Nest hands an error to one catch-all
 * global filter only, so each knows the paths of every MCP endpoint in the app.
 */
@Catch()
export class McpExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('McpModule');
  private paths?: string[];

  constructor(private readonly modules: ModulesContainer) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request | undefined>();
    if (host.getType() !== 'http' || !req?.path || !this.isMcpPath(req.path)) {
      return super.catch(exception, host);
    }
    const res = http.getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code =
        exception.cause instanceof SyntaxError
          ? JsonRpcErrorCode.ParseError
          : JsonRpcErrorCode.ServerError;
      const message =
        code === JsonRpcErrorCode.ParseError
          ? `Parse error: ${exception.message}`
          : exception.message;
      return sendJsonRpcError(res, status, code, message);
    }
    this.logger.error(
      'Unhandled error on the MCP endpoint',
      exception instanceof Error ? exception.stack : String(exception),
    );
    sendJsonRpcError(res, 500, JsonRpcErrorCode.InternalError, 'Internal error');
  }

  /**
   * An MCP path itself, or any path ending in one (so a global prefix is covered; another
   * route that ends in the same segments would be answered in JSON-RPC too).
   */
  private isMcpPath(path: string): boolean {
    const normalized = path.replace(/\/+$/, '');
    return this.mcpPaths().some((mcpPath) => normalized.endsWith(mcpPath));
  }

  /** The `MCP_PATH` of every module instance, read once the app is up. */
  private mcpPaths(): string[] {
    this.paths ??= [...this.modules.values()].flatMap((module) => {
      const path: unknown = module.providers.get(MCP_PATH)?.instance;
      return typeof path === 'string' ? [path] : [];
    });
    return this.paths;
  }
}
