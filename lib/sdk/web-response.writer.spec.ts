import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeWebResponse } from './web-response.writer.js';

const encoder = new TextEncoder();

describe('writeWebResponse', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** Serves every request with the Response `make` returns; resolves with the base URL. */
  async function serve(make: () => Response): Promise<string> {
    server = createServer((_req, res) => void writeWebResponse(make(), res));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('sends a complete body with its Content-Length, status and headers', async () => {
    const url = await serve(
      () =>
        new Response('{"ok":true}', {
          status: 202,
          headers: { 'content-type': 'application/json', 'mcp-session-id': 'abc' },
        }),
    );
    const response = await fetch(url);
    expect(response.status).toBe(202);
    expect(response.headers.get('content-length')).toBe('11');
    expect(response.headers.get('mcp-session-id')).toBe('abc');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('sends a response without a body', async () => {
    const url = await serve(() => new Response(null, { status: 202 }));
    const response = await fetch(url);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });

  it('keeps every Set-Cookie header', async () => {
    const headers = new Headers();
    headers.append('set-cookie', 'a=1');
    headers.append('set-cookie', 'b=2');
    const url = await serve(() => new Response('x', { headers }));
    const response = await fetch(url);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('streams SSE chunks as they come, headers first when the first chunk is late', async () => {
    let push!: (text: string) => void;
    let close!: () => void;
    const url = await serve(() => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(encoder.encode(text));
          close = () => controller.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    // fetch resolves on the headers: they must arrive while the stream has sent nothing.
    const response = await fetch(url);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    push('data: 1\n\n');
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: 1\n\n');
    push('data: 2\n\n');
    close();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest).toBe('data: 2\n\n');
  });

  it('cancels the stream when the client goes away', async () => {
    let cancelled!: () => void;
    const cancel = new Promise<void>((resolve) => (cancelled = resolve));
    const url = await serve(() => {
      const body = new ReadableStream<Uint8Array>({ cancel: () => cancelled() });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(url, (res) => {
        res.destroy();
        resolve();
      });
      req.on('error', reject);
      req.end();
    });
    await expect(cancel).resolves.toBeUndefined();
  });

  it('cancels the stream when the client went away before the response was ready', async () => {
    let cancelled!: () => void;
    const cancel = new Promise<void>((resolve) => (cancelled = resolve));
    let clientGone!: () => void;
    const gone = new Promise<void>((resolve) => (clientGone = resolve));
    // As when a request waits on a slow session store, and the client gives up meanwhile.
    server = createServer((_req, res) => {
      res.once('close', () => {
        clientGone();
        const body = new ReadableStream<Uint8Array>({ cancel: () => cancelled() });
        const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
        void writeWebResponse(response, res);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const req = httpRequest(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    req.on('error', () => undefined);
    req.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    await gone;
    await expect(cancel).resolves.toBeUndefined();
  });
});
