import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { MCP_PATH } from '../mcp.constants.js';
import { sendExceptionAsJsonRpc } from './json-rpc-error.response.js';

/**
 * Gives the errors raised on the MCP endpoint before its route runs (malformed JSON, a
 * body over the parser's limit) a JSON-RPC body. Those reach only the app's error
 * middleware, not the route's filters; a global filter would take over every other
 * route's errors too.
 */
@Injectable()
export class McpBodyErrorHandler implements OnModuleInit {
  private readonly logger = new Logger('McpModule');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(MCP_PATH) private readonly path: string,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    // Called by `app.init()` after the body parsers and routes, before Nest's own error
    // handler, which then gets every error that is not on this endpoint. A module
    // initialised without an HTTP app has no adapter.
    adapter?.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!this.isMcpPath(req.path)) return next(error);
      sendExceptionAsJsonRpc(res, adapter.mapException(error), this.logger);
    });
  }

  /** This endpoint's path, also behind a global prefix or a version segment. */
  private isMcpPath(path: string): boolean {
    return path.replace(/\/+$/, '').endsWith(this.path);
  }
}
