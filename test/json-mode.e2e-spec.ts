import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Server } from 'node:http';
import { MCP_EVENT_STORE, MCP_SESSION_MANAGER, type McpSessionManager } from '../lib/index.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { callTool, handshake, initializeRequest, post } from './fixtures/mcp-http.js';

const PROTOCOL_HEADER = { 'MCP-Protocol-Version': '2025-06-18' };

describe('JSON response mode (enableJsonResponse)', () => {
  let app: TestApp;
  let http: Server;

  beforeAll(async () => {
    app = await createTestApp({ enableJsonResponse: true });
    http = app.app.getHttpServer();
  });
  afterAll(() => app.close());

  it('answers initialize and tools/call with one JSON body each', async () => {
    const init = await post(http, '/mcp', initializeRequest(1));
    expect(init.status).toBe(200);
    expect(init.headers['content-type']).toMatch(/^application\/json/);
    expect(init.body).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: '2025-06-18' },
    });
    const sessionId = await handshake(http);

    const call = await callTool(
      http,
      sessionId,
      'echo',
      { text: 'json' },
      { id: 7, headers: PROTOCOL_HEADER },
    );
    expect(call.status).toBe(200);
    expect(call.headers['content-type']).toMatch(/^application\/json/);
    expect(call.headers['mcp-session-id']).toBe(sessionId);
    expect(Number(call.headers['content-length'])).toBe(Buffer.byteLength(call.text));
    expect(JSON.parse(call.text)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { content: [{ type: 'text', text: 'json' }] },
    });
  });

  it('answers a batch with an array of its responses, errors included', async () => {
    const sessionId = await handshake(http);
    const batch = [
      {
        jsonrpc: '2.0',
        id: 'a',
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'one' } },
      },
      { jsonrpc: '2.0', id: 'b', method: 'no/such/method' },
    ];
    const res = await post(http, '/mcp', batch, sessionId).set(PROTOCOL_HEADER);
    expect(res.status).toBe(200);
    const responses = JSON.parse(res.text) as Array<Record<string, unknown>>;
    expect(responses).toHaveLength(2);
    expect(responses.find((r) => r.id === 'a')).toMatchObject({
      result: { content: [{ text: 'one' }] },
    });
    expect(responses.find((r) => r.id === 'b')).toMatchObject({ error: { code: -32601 } });
  });

  it('leaves notifications sent during a call out of the JSON answer', async () => {
    const sessionId = await handshake(http);
    await post(
      http,
      '/mcp',
      { jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'debug' } },
      sessionId,
    ).set(PROTOCOL_HEADER);
    const res = await callTool(http, sessionId, 'log', {}, { id: 3, headers: PROTOCOL_HEADER });
    expect(JSON.parse(res.text)).toMatchObject({
      id: 3,
      result: { content: [{ text: '2025-06-18' }] },
    });
  });

  it('keeps no SSE events: a JSON answer is not a stream to resume', () => {
    expect(app.app.get(MCP_EVENT_STORE)).toBeNull();
  });

  it('serves the official client, also after its session was evicted and restored', async () => {
    const client = new Client({ name: 'json-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(app.url);
    await client.connect(transport);
    try {
      const first = await client.callTool({ name: 'echo', arguments: { text: 'before' } });
      expect(first.content).toEqual([{ type: 'text', text: 'before' }]);
      const manager = app.app.get<McpSessionManager>(MCP_SESSION_MANAGER);
      expect(await manager.evict(transport.sessionId!)).toBe(true);
      const second = await client.callTool({ name: 'echo', arguments: { text: 'after' } });
      expect(second.content).toEqual([{ type: 'text', text: 'after' }]);
      expect(app.tools.restores.map((m) => m.sessionId)).toContain(transport.sessionId);
    } finally {
      await client.close();
    }
  });
});
