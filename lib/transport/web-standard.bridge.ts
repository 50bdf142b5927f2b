import type { TLSSocket } from 'node:tls';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Request, Response } from 'express';
import { WebRequest } from './web-request.js';
import { writeWebResponse, type WriteOptions } from './web-response.writer.js';

/**
 * Serves an Express request with a Web-standard transport and writes its `Response`
 * back through Node's response: streamed as it comes, or, with `sseAsJson`, as one JSON
 * body. `inspect` sees the Response before it is written, e.g. to learn whether an
 * `initialize` was accepted.
 *
 * @returns when the response is finished or the client has gone.
 */
export async function serveWithTransport(
  transport: WebStandardStreamableHTTPServerTransport,
  req: Request,
  res: Response,
  parsedBody: unknown,
  inspect?: (response: globalThis.Response) => void | Promise<void>,
  options?: WriteOptions,
): Promise<void> {
  const request = new WebRequest({
    method: req.method,
    url: `${(req.socket as TLSSocket).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}${req.originalUrl}`,
    headers: req.headers,
  });
  const response = await transport.handleRequest(request.asRequest(), { parsedBody });
  await inspect?.(response);
  await writeWebResponse(response, res, options);
}
