import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_VERSION, TOOL_TEXT, type RunningServer, type ServerConfig } from '../common.js';

/**
 * (d) the ceiling: a plain Node HTTP handler that parses the JSON-RPC body and answers
 * with a canned result (no MCP at all).
 */
export async function startCeilingServer(config: ServerConfig): Promise<RunningServer> {
  const toolResult = `{"content":[{"type":"text","text":"${TOOL_TEXT}"}]}`;
  const initResult = `{"protocolVersion":"${PROTOCOL_VERSION}","capabilities":{"tools":{}},"serverInfo":{"name":"bench","version":"1.0.0"}}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        id?: string | number;
        method: string;
      };
      if (message.id === undefined) {
        res.writeHead(202).end();
        return;
      }
      const isInit = message.method === 'initialize';
      const body = `{"jsonrpc":"2.0","id":${JSON.stringify(message.id)},"result":${isInit ? initResult : toolResult}}`;
      const headers: Record<string, string> = isInit ? { 'mcp-session-id': randomUUID() } : {};
      if (config.json) {
        res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(body);
      } else {
        res
          .writeHead(200, { ...headers, 'content-type': 'text/event-stream' })
          .end(`event: message\ndata: ${body}\n\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
