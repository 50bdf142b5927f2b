import { afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { initializeRequest, post } from './fixtures/mcp-http.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

/** POSTs an initialize with the given Host / Origin headers. */
function initialize(app: TestApp, headers: Record<string, string>) {
  const http = app.app.getHttpServer();
  return post(http, '/mcp', initializeRequest(1), undefined, headers).buffer(true);
}

const forbidden = { jsonrpc: '2.0', id: null, error: { code: -32000 } };

describe('DNS-rebinding protection (Host / Origin)', () => {
  let app: TestApp;
  afterEach(async () => app?.close());

  it('serves loopback hosts and origins by default on a loopback interface', async () => {
    app = await createTestApp();
    const port = app.url.port;
    for (const headers of [
      { Host: `localhost:${port}` },
      { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}` },
      { Host: `localhost:${port}`, Origin: 'http://localhost:5173' },
    ] as Array<Record<string, string>>) {
      const res = await initialize(app, headers);
      expect(res.status).toBe(200);
      expect(res.headers['mcp-session-id']).toBeTruthy();
    }
  });

  it('answers 403 with a JSON-RPC error to a rebound Host or a foreign Origin', async () => {
    app = await createTestApp();
    const rebound = await initialize(app, {
      Host: 'evil.example.com',
      Origin: 'http://evil.example.com',
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toMatchObject(forbidden);
    expect(rebound.body.error.message).toMatch(/Host "evil.example.com" is not allowed/);

    const foreign = await initialize(app, {
      Host: `localhost:${app.url.port}`,
      Origin: 'https://evil.example.com',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject(forbidden);
    expect(foreign.body.error.message).toMatch(/Origin/);
    expect(foreign.headers['mcp-session-id']).toBeUndefined();
  });

  it('guards GET and DELETE too, before any session lookup', async () => {
    app = await createTestApp();
    const server = app.app.getHttpServer();
    const get = await request(server)
      .get('/mcp')
      .set('Origin', 'https://evil.example.com')
      .set('Mcp-Session-Id', 'whatever');
    expect(get.status).toBe(403);
    const del = await request(server)
      .delete('/mcp')
      .set('Host', 'evil.example.com')
      .set('Mcp-Session-Id', 'whatever');
    expect(del.status).toBe(403);
  });

  it('follows allowedHosts and allowedOrigins when given', async () => {
    app = await createTestApp({
      allowedHosts: ['mcp.example.com'],
      allowedOrigins: ['https://app.example.com'],
    });
    expect((await initialize(app, { Host: 'mcp.example.com' })).status).toBe(200);
    expect(
      (await initialize(app, { Host: 'mcp.example.com', Origin: 'https://app.example.com' }))
        .status,
    ).toBe(200);
    expect(
      (await initialize(app, { Host: 'mcp.example.com', Origin: 'https://mcp.example.com' }))
        .status,
    ).toBe(403);
    expect((await initialize(app, { Host: `localhost:${app.url.port}` })).status).toBe(403);
  });

  it('rejects invalid options at bootstrap', async () => {
    await expect(createTestApp({ allowedHosts: 'localhost' as never })).rejects.toThrow(
      /option "allowedHosts"/,
    );
  });
});
