import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface.js';

/**
 * The README's "Browser clients" recipe: what a web page on one of `origins` needs to
 * talk MCP to this server (the preflight passes, `Mcp-Session-Id` can be read). The
 * module's Origin check (`allowedOrigins`) must allow those origins too.
 */
export const mcpCors = (origins: string[]): CorsOptions => ({
  origin: origins,
  methods: ['GET', 'POST', 'DELETE'],
  allowedHeaders: [
    'Content-Type',
    'Authorization',
    'Mcp-Session-Id',
    'Mcp-Protocol-Version',
    'Last-Event-ID',
  ],
  exposedHeaders: ['Mcp-Session-Id'],
});
