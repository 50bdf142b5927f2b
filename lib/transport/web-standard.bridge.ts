import { getRequestListener } from '@hono/node-server';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Request, Response } from 'express';

/**
 * Serves an Express request with a Web-standard transport, streaming its `Response`
 * (SSE included) back through Node's response. `inspect` sees the Response before it
 * is written, e.g. to learn whether an `initialize` was accepted.
 */
export async function serveWithTransport(
  transport: WebStandardStreamableHTTPServerTransport,
  req: Request,
  res: Response,
  parsedBody: unknown,
  inspect?: (response: globalThis.Response) => void | Promise<void>,
): Promise<void> {
  const listener = getRequestListener(
    async (request) => {
      const response = await transport.handleRequest(request, { parsedBody });
      await inspect?.(response);
      return response;
    },
    { overrideGlobalObjects: false },
  );
  await listener(req, res);
}
