import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import request from 'supertest';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import {
  callTool,
  handshake,
  initializeRequest,
  messagesOf,
  post,
  PROTOCOL_VERSION,
  sendInitialized,
  toolText,
} from './fixtures/mcp-http.js';

describe('MCP endpoint over HTTP (supertest)', () => {
  let app: TestApp;
  let http: Server;

  beforeAll(async () => {
    app = await createTestApp();
    http = app.app.getHttpServer();
  });
  afterAll(() => app.close());

  it('runs the full handshake and serves tools', async () => {
    const init = await post(http, '/mcp', initializeRequest(1)).buffer(true);
    expect(init.status).toBe(200);
    const sessionId = init.headers['mcp-session-id'];
    expect(sessionId).toMatch(/^[\x21-\x7e]+$/);
    const [result] = messagesOf(init.text);
    expect(result).toMatchObject({
      id: 1,
      result: {
        protocolVersion: PROTOCOL_VERSION,
        serverInfo: { name: 'test-server', version: '1.0.0' },
      },
    });

    const initialized = await sendInitialized(http, sessionId);
    expect(initialized.status).toBe(202);

    const list = await post(
      http,
      '/mcp',
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      sessionId,
    ).buffer(true);
    expect(list.status).toBe(200);
    const names = messagesOf(list.text)[0].result.tools.map((t: { name: string }) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'whoami', 'client-info', 'fail']));

    const call = await callTool(http, sessionId, 'echo', { text: 'hello' }, { id: 3 });
    expect(messagesOf(call.text)[0]).toMatchObject({
      id: 3,
      result: { content: [{ type: 'text', text: 'hello' }] },
    });
  });

  it('answers other methods with 405 and the ones it allows, HEAD included', async () => {
    const sessionId = await handshake(http);
    const head = await request(http)
      .head('/mcp')
      .set('Accept', 'text/event-stream')
      .set('Mcp-Session-Id', sessionId);
    expect({ status: head.status, allow: head.headers.allow }).toEqual({
      status: 405,
      allow: 'GET, POST, DELETE',
    });
    for (const method of ['put', 'patch', 'options'] as const) {
      const res = await request(http)[method]('/mcp').set('Mcp-Session-Id', sessionId);
      expect({ method, status: res.status, allow: res.headers.allow, body: res.body }).toEqual({
        method,
        status: 405,
        allow: 'GET, POST, DELETE',
        body: { jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null },
      });
    }
  });

  it('answers 400 with a JSON-RPC error when the session header is missing', async () => {
    const res = await post(http, '/mcp', { jsonrpc: '2.0', id: 9, method: 'tools/list' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 9, error: { code: -32000 } });
    expect(res.body.error.message).toMatch(/Mcp-Session-Id/);
  });

  it('answers 404 with a JSON-RPC error for an unknown or forged session id', async () => {
    for (const forged of [
      '0b6d1c6e-0000-4000-8000-000000000000',
      'x'.repeat(400),
      'bad id with spaces',
    ]) {
      const res = await post(http, '/mcp', { jsonrpc: '2.0', id: 4, method: 'tools/list' }, forged);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        jsonrpc: '2.0',
        id: 4,
        error: { code: -32001, message: 'Session not found' },
      });
    }
    const get = await request(http)
      .get('/mcp')
      .set('Accept', 'text/event-stream')
      .set('Mcp-Session-Id', 'nope');
    expect(get.status).toBe(404);
    expect(get.body.error.code).toBe(-32001);
  });

  it('ends a session with DELETE, after which the id is 404 for every method', async () => {
    const sessionId = await handshake(http);
    const del = await request(http).delete('/mcp').set('Mcp-Session-Id', sessionId);
    expect(del.status).toBe(200);
    const after = await post(
      http,
      '/mcp',
      { jsonrpc: '2.0', id: 5, method: 'tools/list' },
      sessionId,
    );
    expect(after.status).toBe(404);
    expect(after.body.error.code).toBe(-32001);
    const again = await request(http).delete('/mcp').set('Mcp-Session-Id', sessionId);
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe(-32001);
  });

  it('starts a fresh session when initialize carries an unknown Mcp-Session-Id', async () => {
    const store = app.app.get('MCP_SESSION_STORE');
    for (const unknown of ['0b6d1c6e-1111-4000-8000-000000000000', 'not a session id']) {
      const init = await post(http, '/mcp', initializeRequest(8), unknown).buffer(true);
      expect(init.status).toBe(200);
      expect(messagesOf(init.text)[0]).toMatchObject({
        id: 8,
        result: { protocolVersion: PROTOCOL_VERSION, serverInfo: { name: 'test-server' } },
      });
      const fresh = init.headers['mcp-session-id'];
      expect(fresh).toMatch(/^[\x21-\x7e]+$/);
      expect(fresh).not.toBe(unknown);
      expect(await store.load(fresh)).toMatchObject({ sessionId: fresh });
      const call = await callTool(http, fresh, 'echo', { text: 'fresh' });
      expect(toolText(call)).toBe('fresh');
      // The unknown id did not come into being.
      const stale = await post(http, '/mcp', { jsonrpc: '2.0', id: 2, method: 'ping' }, unknown);
      expect(stale.status).toBe(404);
    }
  });

  it('answers 400 with a JSON-RPC parse error for malformed JSON', async () => {
    const res = await post(http, '/mcp', '{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
  });

  it('answers 400 when the body is not JSON-RPC', async () => {
    const sessionId = await handshake(http);
    const res = await post(http, '/mcp', { hello: 'world' }, sessionId);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(-32700);
  });

  it('answers 400 (-32600) to initialize in a batch, a batch of one too, and starts no session', async () => {
    const manager = app.app.get('MCP_SESSION_MANAGER');
    const before = manager.liveCount;
    for (const batch of [
      [initializeRequest(1)],
      [initializeRequest(1), { jsonrpc: '2.0', id: 2, method: 'ping' }],
    ]) {
      const res = await post(http, '/mcp', batch);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
      expect(res.headers['mcp-session-id']).toBeUndefined();
    }
    expect(manager.liveCount).toBe(before);
  });

  it('answers 415 to a POST whose Content-Type is not JSON, initialize included', async () => {
    const sessionId = await handshake(http);
    for (const session of [undefined, sessionId]) {
      const res = await post(http, '/mcp', initializeRequest(1), session, {
        'Content-Type': 'text/plain',
      });
      expect(res.status).toBe(415);
      expect(res.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    }
  });

  it('answers 400 to a DELETE with an unsupported MCP-Protocol-Version, and keeps the session', async () => {
    const sessionId = await handshake(http);
    const del = await request(http)
      .delete('/mcp')
      .set('Mcp-Session-Id', sessionId)
      .set('Mcp-Protocol-Version', '1999-01-01');
    expect(del.status).toBe(400);
    expect(del.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect(del.body.error.message).toContain('1999-01-01');
    const ping = await post(http, '/mcp', { jsonrpc: '2.0', id: 3, method: 'ping' }, sessionId);
    expect(ping.status).toBe(200);
  });

  it('answers 413 with a JSON-RPC error for an oversized body', async () => {
    const sessionId = await handshake(http);
    const huge = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'x'.repeat(5_000_000) } },
    };
    const res = await post(http, '/mcp', huge, sessionId);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
  });

  it('rejects initialize with invalid params with 400 and creates no session', async () => {
    const before = app.app.get('MCP_SESSION_MANAGER').liveCount;
    const res = await post(http, '/mcp', {
      jsonrpc: '2.0',
      id: 7,
      method: 'initialize',
      params: { protocolVersion: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ id: 7, error: { code: -32602 } });
    expect(res.body.error.message).toMatch(/clientInfo/);
    expect(res.headers['mcp-session-id']).toBeUndefined();
    expect(app.app.get('MCP_SESSION_MANAGER').liveCount).toBe(before);
  });

  it('treats a re-sent notifications/initialized as harmless', async () => {
    const sessionId = await handshake(http);
    for (let i = 0; i < 2; i++) {
      const again = await sendInitialized(http, sessionId);
      expect(again.status).toBe(202);
    }
    expect(toolText(await callTool(http, sessionId, 'echo', { text: 'still here' }))).toBe(
      'still here',
    );
  });

  it('turns a throwing tool into an isError result and a bad argument into a named validation error', async () => {
    const sessionId = await handshake(http);
    const fail = await callTool(http, sessionId, 'fail');
    expect(messagesOf(fail.text)[0].result).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: expect.stringContaining('this tool always fails') }],
    });
    const bad = await callTool(http, sessionId, 'echo', { text: 42 });
    const badResult = messagesOf(bad.text)[0].result;
    expect(badResult.isError).toBe(true);
    expect(badResult.content[0].text).toMatch(/Invalid arguments for tool echo/);
    expect(badResult.content[0].text).toMatch(/text/);
    expect(badResult.content[0].text).toMatch(/expected string/);
  });
});
