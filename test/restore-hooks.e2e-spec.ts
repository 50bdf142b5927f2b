import { describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  InjectSessionManager,
  InjectSessionStore,
  InMemorySessionStore,
  MCP_SESSION_STORE,
  McpSessionManager,
  OnSessionRestore,
  Tool,
  type McpRequestContext,
  type SessionRestoreMarker,
  type SessionStore,
} from '../lib/index.js';
import { CountingStore } from './fixtures/counting-store.js';
import {
  callTool,
  handshake,
  messagesOf,
  PROTOCOL_VERSION,
  sendInitialized,
  toolText,
} from './fixtures/mcp-http.js';
import { closedAfterEach, createTestApp } from './fixtures/test-app.js';

async function connect(url: URL, sessionId?: string) {
  const client = new Client({ name: 'restore-test-client', version: '3.1.4' });
  const transport = new StreamableHTTPClientTransport(url, sessionId ? { sessionId } : undefined);
  await client.connect(transport);
  return { client, transport };
}

@Injectable()
class StoreUser {
  constructor(
    @InjectSessionStore() readonly store: SessionStore,
    @InjectSessionManager() readonly manager: McpSessionManager,
  ) {}
}

/** Records, in order, when its restore hook finishes and when its tool runs. */
@Injectable()
class RestoreOrder {
  readonly events: string[] = [];

  @OnSessionRestore()
  async warmUp(marker: SessionRestoreMarker): Promise<void> {
    await sleep(100); // slower than the request would be, were it not waiting for the hook
    this.events.push(`hook ${marker.sessionId}`);
  }

  @Tool({ name: 'order_probe', description: 'Records that it ran' })
  probe(_args: unknown, ctx: McpRequestContext): string {
    this.events.push(`tool ${ctx.sessionId}`);
    return 'recorded';
  }
}

describe('session restore: the store as a provider, restore hooks, re-sent notifications', () => {
  const { apps, clients } = closedAfterEach();
  const start = async (store: SessionStore) => {
    const app = await createTestApp({ sessionStore: store });
    apps.push(app);
    return app;
  };

  it('uses a store given as a plain provider for MCP_SESSION_STORE, injectable with the helpers', async () => {
    const app = await createTestApp(
      {},
      {
        providers: [StoreUser],
        extraProviders: [{ provide: MCP_SESSION_STORE, useClass: CountingStore }],
      },
    );
    apps.push(app);
    const user = app.app.get(StoreUser);
    expect(user.store).toBeInstanceOf(CountingStore);
    expect(user.manager).toBe(app.app.get(McpSessionManager));
    const { client, transport } = await connect(app.url);
    clients.push(client);
    expect(await user.store.load(transport.sessionId!)).toMatchObject({
      sessionId: transport.sessionId,
      v: 1,
    });
  });

  it('runs the @OnSessionRestore hook to completion before the request that caused the restore', async () => {
    const store = new InMemorySessionStore();
    const a = await createTestApp({ sessionStore: store }, { providers: [RestoreOrder] });
    apps.push(a);
    const first = await connect(a.url);
    clients.push(first.client);
    const sessionId = first.transport.sessionId!;
    await first.client.callTool({ name: 'order_probe', arguments: {} });
    expect(a.app.get(RestoreOrder).events).toEqual([`tool ${sessionId}`]);

    const b = await createTestApp({ sessionStore: store }, { providers: [RestoreOrder] });
    apps.push(b);
    const resumed = await connect(b.url, sessionId);
    clients.push(resumed.client);
    await resumed.client.callTool({ name: 'order_probe', arguments: {} });
    await resumed.client.callTool({ name: 'order_probe', arguments: {} });
    expect(b.app.get(RestoreOrder).events).toEqual([
      `hook ${sessionId}`,
      `tool ${sessionId}`,
      `tool ${sessionId}`,
    ]);
  });

  it('answers 202 to a notifications/initialized re-sent on a restored session, which keeps working', async () => {
    const store = new InMemorySessionStore();
    const a = await start(store);
    const sessionId = await handshake(a.app.getHttpServer());
    const b = await start(store);
    const http = b.app.getHttpServer();

    // What openai-agents-js sends first when it resumes a session: on B, a restore.
    for (let i = 0; i < 2; i++) {
      const initialized = await sendInitialized(http, sessionId, {
        headers: { 'MCP-Protocol-Version': PROTOCOL_VERSION },
      });
      expect(initialized.status).toBe(202);
      expect(initialized.text).toBe('');
    }
    expect(b.tools.restores.map((m) => m.sessionId)).toEqual([sessionId]);
    const echo = await callTool(http, sessionId, 'echo', { text: 'after initialized' }, { id: 5 });
    expect(messagesOf(echo.text)).toEqual([
      { jsonrpc: '2.0', id: 5, result: { content: [{ type: 'text', text: 'after initialized' }] } },
    ]);
    const info = JSON.parse(toolText(await callTool(http, sessionId, 'client-info')));
    expect(info.clientVersion).toEqual({ name: 'raw-http-client', version: '7.7.7' });
    expect(b.tools.restores).toHaveLength(1);
  });
});
