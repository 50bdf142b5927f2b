import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  EXTRA_TOOL_INPUT,
  MCP_PATH,
  TOOL_NAME,
  extraToolName,
  type RunningServer,
  type ServerConfig,
} from '../common.js';

/**
 * (b) the bare SDK: a stateful Streamable HTTP server on express with the usual
 * per-session transport map, as in the SDK's README.
 */
export async function startSdkExpressServer(config: ServerConfig): Promise<RunningServer> {
  const transports: Record<string, StreamableHTTPServerTransport> = {};
  const app = express();
  app.use(express.json());

  app.post(MCP_PATH, async (req: Request, res: Response) => {
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    let transport: StreamableHTTPServerTransport;
    if (sessionId && transports[sessionId]) {
      transport = transports[sessionId];
    } else if (!sessionId && isInitializeRequest(req.body)) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: config.json,
        onsessioninitialized: (sid) => {
          transports[sid] = transport;
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) delete transports[transport.sessionId];
      };
      const server = new McpServer(
        { name: 'bench', version: '1.0.0' },
        { capabilities: { logging: {} } },
      );
      server.registerTool(
        TOOL_NAME,
        { description: 'Echoes its text', inputSchema: { text: z.string() } },
        async ({ text }) => ({ content: [{ type: 'text', text }] }),
      );
      for (let i = 0; i < (config.extraTools ?? 0); i++) {
        server.registerTool(
          extraToolName(i),
          { description: `Extra tool ${i}`, inputSchema: EXTRA_TOOL_INPUT },
          async ({ text }) => ({ content: [{ type: 'text', text }] }),
        );
      }
      await server.connect(transport);
    } else {
      res.status(400).json({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Bad Request: No valid session ID provided' },
        id: null,
      });
      return;
    }
    await transport.handleRequest(req, res, req.body);
  });

  const handleSessionRequest = async (req: Request, res: Response) => {
    const sessionId = req.headers['mcp-session-id'] as string | undefined;
    if (!sessionId || !transports[sessionId]) {
      res.status(400).send('Invalid or missing session ID');
      return;
    }
    await transports[sessionId].handleRequest(req, res);
  };
  app.get(MCP_PATH, handleSessionRequest);
  app.delete(MCP_PATH, handleSessionRequest);

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await Promise.all(Object.values(transports).map((t) => t.close()));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
