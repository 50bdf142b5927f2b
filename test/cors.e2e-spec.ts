import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { McpExpressAdapter, McpModule, type McpModuleOptions } from '../lib/index.js';
import { callTool, initializeRequest, post, sendInitialized } from './fixtures/mcp-http.js';
import { createTestApp } from './fixtures/test-app.js';
import { CallCounter, TestTools } from './fixtures/test-tools.provider.js';
import { mcpCors } from '../sample/mcp-cors.options.js';

/** The web app's origin: another loopback port, which the default Origin check allows. */
const PAGE = 'http://localhost:5173';

/** The README's "Browser clients" recipe, as the sample applies it. */
const MCP_CORS = mcpCors([PAGE]);

/** What a browser asks before a POST with the SDK client's headers. */
function preflight(app: INestApplication, origin: string, method = 'POST') {
  return request(app.getHttpServer())
    .options('/mcp')
    .set('Origin', origin)
    .set('Access-Control-Request-Method', method)
    .set('Access-Control-Request-Headers', 'content-type,mcp-session-id,mcp-protocol-version');
}

const listOf = (header: string | undefined) =>
  (header ?? '').split(',').map((name) => name.trim().toLowerCase());

describe.each([
  ['Nest ExpressAdapter', () => undefined],
  ['McpExpressAdapter', () => new McpExpressAdapter()],
] as Array<[string, () => AbstractHttpAdapter | undefined]>)('CORS on %s', (_name, adapter) => {
  let app: INestApplication | undefined;
  afterEach(async () => app?.close());

  /** A test app with `app.enableCors(MCP_CORS)` called before `listen`, as the recipe says. */
  async function corsApp(options: Partial<McpModuleOptions> = {}): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'cors-test', version: '1.0.0', ...options })],
      providers: [CallCounter, TestTools],
    }).compile();
    const httpAdapter = adapter();
    const nest = httpAdapter
      ? moduleRef.createNestApplication(httpAdapter, { logger: false })
      : moduleRef.createNestApplication({ logger: false });
    nest.enableCors(MCP_CORS);
    await nest.listen(0, '127.0.0.1');
    return nest;
  }

  it('answers the preflight before the MCP route: 204 with the methods and headers', async () => {
    app = await corsApp();
    for (const method of ['POST', 'GET', 'DELETE']) {
      const res = await preflight(app, PAGE, method);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers['access-control-allow-origin']).toBe(PAGE);
      expect(listOf(res.headers['access-control-allow-methods'])).toEqual(
        expect.arrayContaining(['get', 'post', 'delete']),
      );
      expect(listOf(res.headers['access-control-allow-headers'])).toEqual(
        expect.arrayContaining(['content-type', 'mcp-session-id', 'mcp-protocol-version']),
      );
      expect(listOf(res.headers.vary)).toContain('origin');
    }
  });

  it('exposes Mcp-Session-Id on every response to the page, errors included', async () => {
    app = await corsApp();
    const server = app.getHttpServer();
    const headers = { Origin: PAGE };
    const init = await post(server, '/mcp', initializeRequest(1), undefined, headers).buffer(true);
    expect(init.status).toBe(200);
    expect(init.headers['access-control-allow-origin']).toBe(PAGE);
    expect(listOf(init.headers['access-control-expose-headers'])).toContain('mcp-session-id');
    const sessionId: string = init.headers['mcp-session-id'];
    expect(sessionId).toBeTruthy();
    expect((await sendInitialized(server, sessionId, { headers })).status).toBe(202);

    const call = await callTool(server, sessionId, 'echo', { text: 'hi' }, { headers });
    expect(call.status).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe(PAGE);

    // The page must see a 404 to know it should initialize again.
    const unknown = await callTool(server, 'no-such-session', 'echo', { text: 'x' }, { headers });
    expect(unknown.status).toBe(404);
    expect(unknown.headers['access-control-allow-origin']).toBe(PAGE);

    const del = await request(server)
      .delete('/mcp')
      .set('Origin', PAGE)
      .set('Mcp-Session-Id', sessionId);
    expect(del.status).toBe(200);
    expect(del.headers['access-control-allow-origin']).toBe(PAGE);
  });

  it('gives an origin the recipe does not list no Access-Control-Allow-Origin', async () => {
    app = await corsApp();
    const res = await preflight(app, 'http://localhost:8080');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('still refuses, with a 403 the page can read, an origin allowedOrigins does not list', async () => {
    app = await corsApp({ allowedOrigins: ['https://app.example.com'] });
    expect((await preflight(app, PAGE)).status).toBe(204);
    const res = await post(app.getHttpServer(), '/mcp', initializeRequest(1), undefined, {
      Origin: PAGE,
    });
    expect(res.status).toBe(403);
    expect(res.headers['access-control-allow-origin']).toBe(PAGE);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect(res.headers['mcp-session-id']).toBeUndefined();
  });
});

describe('without CORS', () => {
  it('refuses the preflight like any method the endpoint does not serve (405)', async () => {
    const app = await createTestApp();
    try {
      const res = await preflight(app.app, PAGE);
      expect(res.status).toBe(405);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
