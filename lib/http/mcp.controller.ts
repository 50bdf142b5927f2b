import {
  All,
  Controller,
  Delete,
  Get,
  Head,
  Inject,
  Post,
  Req,
  Res,
  UseFilters,
  type Type,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { McpExceptionFilter } from './mcp-exception.filter.js';
import { McpRequestHandler } from './mcp-request.handler.js';

/**
 * The MCP endpoint, as a controller class bound to `path`, so that Nest guards,
 * interceptors and filters apply to it like to any other route.
 */
export function createMcpController(path: string): Type<unknown> {
  @Controller(path)
  @UseFilters(McpExceptionFilter)
  class McpController {
    constructor(@Inject(McpRequestHandler) private readonly handler: McpRequestHandler) {}

    @Post()
    post(@Req() req: Request, @Res() res: Response): Promise<void> {
      return this.handler.handlePost(req, res);
    }

    /**
     * Before `@Get()`, which Express would otherwise hand HEAD to: refused like any other
     * method, without looking the session up.
     */
    @Head()
    head(): never {
      this.handler.refuseMethod();
    }

    @Get()
    get(@Req() req: Request, @Res() res: Response): Promise<void> {
      return this.handler.handleGet(req, res);
    }

    @Delete()
    delete(@Req() req: Request, @Res() res: Response): Promise<void> {
      return this.handler.handleDelete(req, res);
    }

    /** Last, so that it only gets the methods the routes above do not. */
    @All()
    other(): never {
      this.handler.refuseMethod();
    }
  }
  return McpController;
}
