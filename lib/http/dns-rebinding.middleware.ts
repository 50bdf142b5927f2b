import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { McpHttpError } from '../errors/mcp-http.error.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import { MCP_RESOLVED_OPTIONS } from '../mcp.constants.js';
import { checkHostAndOrigin } from './host-origin.policy.js';
import { sendJsonRpcError } from './json-rpc-error.response.js';

/**
 * Protects the MCP endpoint against DNS rebinding: a request whose `Host` or `Origin`
 * is not allowed (options `allowedHosts` / `allowedOrigins`) gets 403 with a JSON-RPC
 * error, before any session is looked up.
 */
@Injectable()
export class DnsRebindingMiddleware implements NestMiddleware {
  constructor(@Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const refusal = checkHostAndOrigin(
      {
        host: req.headers.host,
        origin: req.headers.origin,
        localAddress: req.socket.localAddress,
      },
      this.options,
    );
    if (!refusal) return next();
    sendJsonRpcError(res, McpHttpError.forbidden(refusal));
  }
}
