import { describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemorySessionStore, McpSessionManager, type SessionStore } from '../lib/index.js';
import { CountingStore } from './fixtures/counting-store.js';
import { closedAfterEach, createTestApp } from './fixtures/test-app.js';
import {
  callTool,
  handshake,
  initializeRequest,
  messagesOf,
  post,
  PROTOCOL_VERSION,
  textOf,
  toolText,
} from './fixtures/mcp-http.js';
import request from 'supertest';

async function connect(url: URL, sessionId?: string) {
  const client = new Client(
    { name: 'restore-test-client', version: '3.1.4' },
    { capabilities: { roots: {} } },
  );
  const transport = new StreamableHTTPClientTransport(url, sessionId ? { sessionId } : undefined);
  await client.connect(transport);
  return { client, transport };
}

/** The in-memory store, with loads that wait for the test when it sets a gate. */
class GatedStore extends InMemorySessionStore {
  gate?: Promise<void>;
  open?: () => void;
  loading?: () => void;

  override async load(sessionId: string) {
    this.loading?.();
    await this.gate;
    this.gate = undefined;
    return super.load(sessionId);
  }
}

describe('session restore', () => {
  const { apps, clients } = closedAfterEach();
  const start = async (store: SessionStore) => {
    const app = await createTestApp({ sessionStore: store });
    apps.push(app);
    return app;
  };

  it('serves a session created by app A from app B after A is closed, with the hook run once on B', async () => {
    const store = new InMemorySessionStore();
    const a = await start(store);
    const first = await connect(a.url);
    expect(textOf(await first.client.callTool({ name: 'echo', arguments: { text: 'on A' } }))).toBe(
      'on A',
    );
    const sessionId = first.transport.sessionId!;
    await first.client.close();
    await a.close();
    apps.splice(apps.indexOf(a), 1);

    const b = await start(store);
    const resumed = await connect(b.url, sessionId);
    clients.push(resumed.client);
    const seen = JSON.parse(
      textOf(await resumed.client.callTool({ name: 'whoami', arguments: {} })),
    );
    expect(seen).toMatchObject({ sessionId, restore: { reason: 'restore', sessionId } });

    expect(b.tools.restores).toHaveLength(1);
    const [marker] = b.tools.restores;
    expect(marker).toMatchObject({
      sessionId,
      reason: 'restore',
      clientInfo: { name: 'restore-test-client', version: '3.1.4' },
      record: { sessionId, protocolVersion: expect.any(String) },
    });
    expect(marker.restoredAt).toBeInstanceOf(Date);
    expect(a.tools.restores).toHaveLength(0);

    // The next call runs on a live session: no new restore, no marker.
    const again = JSON.parse(
      textOf(await resumed.client.callTool({ name: 'whoami', arguments: {} })),
    );
    expect(again.restore).toBeNull();
    expect(b.tools.restores).toHaveLength(1);
  });

  it('brings back client info and capabilities', async () => {
    const store = new InMemorySessionStore();
    const a = await start(store);
    const first = await connect(a.url);
    clients.push(first.client);
    const before = JSON.parse(
      textOf(await first.client.callTool({ name: 'client-info', arguments: {} })),
    );
    const b = await start(store);
    const resumed = await connect(b.url, first.transport.sessionId);
    clients.push(resumed.client);
    const after = JSON.parse(
      textOf(await resumed.client.callTool({ name: 'client-info', arguments: {} })),
    );
    expect(before.clientVersion).toEqual({ name: 'restore-test-client', version: '3.1.4' });
    expect(after).toEqual(before);
    expect(after.clientCapabilities).toHaveProperty('roots');
  });

  it('restores a cold session once for 20 concurrent requests, and all 20 succeed', async () => {
    const store = new CountingStore();
    const a = await start(store);
    const first = await connect(a.url);
    clients.push(first.client);
    const sessionId = first.transport.sessionId!;
    const b = await start(store);
    const http = b.app.getHttpServer();
    const loadsBefore = store.calls.load;

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        callTool(http, sessionId, 'echo', { text: `n${i}` }, { id: i }),
      ),
    );
    responses.forEach((res, i) => {
      expect(res.status).toBe(200);
      expect(messagesOf(res.text)[0]).toMatchObject({
        id: i,
        result: { content: [{ text: `n${i}` }] },
      });
    });
    expect(b.tools.restores).toHaveLength(1);
    expect(store.calls.load - loadsBefore).toBe(1);
  });

  it('rebuilds a session dropped from memory, and keeps a deleted one dead', async () => {
    const store = new InMemorySessionStore();
    const a = await start(store);
    const http = a.app.getHttpServer();
    const manager = a.app.get(McpSessionManager);
    const sessionId = await handshake(http);
    const whoami = async () => JSON.parse(toolText(await callTool(http, sessionId, 'whoami')));

    expect(await manager.evict(sessionId)).toBe(true);
    expect(manager.isLive(sessionId)).toBe(false);
    expect((await whoami()).restore).toMatchObject({ reason: 'restore' });
    expect(manager.isLive(sessionId)).toBe(true);
    expect((await whoami()).restore).toBeNull();

    const del = await request(http).delete('/mcp').set('Mcp-Session-Id', sessionId);
    expect(del.status).toBe(200);
    const b = await start(store);
    for (const app of [a, b]) {
      const res = await post(
        app.app.getHttpServer(),
        '/mcp',
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        sessionId,
      );
      expect(res.status).toBe(404);
    }
    expect(await store.load(sessionId)).toBeUndefined();
    expect(a.tools.restores).toHaveLength(1);
    expect(b.tools.restores).toHaveLength(0);
  });

  it('opens a new GET stream after a client gave up on one while its session was restored', async () => {
    const store = new GatedStore();
    const app = await start(store);
    const sessionId = await handshake(app.app.getHttpServer());
    await app.app.get(McpSessionManager).evict(sessionId);
    const openStream = (signal: AbortSignal) =>
      fetch(app.url, {
        headers: {
          accept: 'text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': PROTOCOL_VERSION,
        },
        signal,
      });

    const loading = new Promise<void>((resolve) => (store.loading = resolve));
    store.gate = new Promise((resolve) => (store.open = resolve));
    const givenUp = new AbortController();
    const first = openStream(givenUp.signal).catch(() => undefined);
    await loading;
    givenUp.abort(); // before the store answers
    await first;
    await sleep(50);
    store.open?.();
    await sleep(50);

    const again = new AbortController();
    const second = await openStream(again.signal);
    again.abort();
    expect(second.status).toBe(200);
  });

  it('aborts the signal in the tool context when the client cancels, on a restored session too', async () => {
    const store = new InMemorySessionStore();
    const a = await start(store);
    const first = await connect(a.url);
    clients.push(first.client);
    const b = await start(store);
    const resumed = await connect(b.url, first.transport.sessionId);
    clients.push(resumed.client);
    // The SDK server ignores a cancellation of request id 0, the id of a resumed client's
    // first request, so the call to cancel is the second one.
    await resumed.client.callTool({ name: 'echo', arguments: { text: 'first' } });
    const cancel = new AbortController();
    const call = resumed.client.callTool({ name: 'wait', arguments: {} }, undefined, {
      signal: cancel.signal,
    });
    await sleep(200);
    cancel.abort();
    await expect(call).rejects.toThrow();
    for (let i = 0; i < 50 && b.tools.waits.length === 0; i++) await sleep(20);
    expect(b.tools.waits).toEqual(['aborted']);
  });

  it('refuses an initialize the transport could not answer before touching the store', async () => {
    const store = new InMemorySessionStore();
    const app = await start(store);
    const http = app.app.getHttpServer();
    const manager = app.app.get(McpSessionManager);
    const sessionId = await handshake(http);
    const jsonOnly = (sid?: string) => {
      let req = request(http)
        .post('/mcp')
        .set('Accept', 'application/json')
        .set('Content-Type', 'application/json');
      if (sid) req = req.set('Mcp-Session-Id', sid);
      return req.send(JSON.stringify(initializeRequest(1)));
    };

    const stored = await store.load(sessionId);
    const refused = await jsonOnly(sessionId);
    expect(refused.status).toBe(406);
    expect(refused.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: 1 });
    expect(await store.load(sessionId)).toEqual(stored);
    expect(toolText(await callTool(http, sessionId, 'echo', { text: 'kept' }))).toBe('kept');

    const live = manager.liveCount;
    const entries = store.size;
    expect((await jsonOnly()).status).toBe(406);
    expect(manager.liveCount).toBe(live);
    expect(store.size).toBe(entries);
  });
});
