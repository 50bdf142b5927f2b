import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { TOOL_NAME, type RunningServer } from '../common.js';

/**
 * (e) the v2 SDK's own 2026-07-28 entry: `createMcpHandler` (modern only) on plain
 * `node:http` through `toNodeHandler`, as its documentation mounts it; a fresh server
 * from the factory for every request.
 */
export async function startV2HandlerServer(): Promise<RunningServer> {
  const handler = createMcpHandler(
    () => {
      const server = new McpServer({ name: 'bench', version: '1.0.0' });
      server.registerTool(
        TOOL_NAME,
        { description: 'Echoes its text', inputSchema: { text: z.string() } },
        async ({ text }) => ({ content: [{ type: 'text', text }] }),
      );
      return server;
    },
    { legacy: 'reject' },
  );
  const http = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    close: async () => {
      await handler.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
