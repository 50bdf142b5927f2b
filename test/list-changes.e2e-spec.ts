import { afterEach, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  PromptListChangedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { InMemorySessionStore, McpListChanges, type McpModuleOptions } from '../lib/index.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from './fixtures/redis.js';
import { SurfaceProvider } from './fixtures/surface.provider.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { messageOf, SseReader } from './fixtures/sse-client.js';
import { waitFor } from './fixtures/wait-for.js';

describe('McpListChanges', () => {
  const opened: { apps: TestApp[]; clients: Client[] } = { apps: [], clients: [] };
  afterEach(async () => {
    await Promise.all(opened.clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(opened.apps.splice(0).map((a) => a.close().catch(() => undefined)));
  });

  const start = async (options: Partial<McpModuleOptions> = {}) => {
    const app = await createTestApp(options, { providers: [SurfaceProvider] });
    opened.apps.push(app);
    return app;
  };

  /** A 2025 client on `url` (its GET stream opens after connect), recording list changes. */
  const listening = async (url: URL, sessionId?: string) => {
    const heard: string[] = [];
    const client = new Client({ name: 'lists', version: '1.0.0' });
    client.setNotificationHandler(
      ToolListChangedNotificationSchema,
      () => void heard.push('tools'),
    );
    client.setNotificationHandler(PromptListChangedNotificationSchema, () => {
      heard.push('prompts');
    });
    await client.connect(
      new StreamableHTTPClientTransport(url, sessionId ? { sessionId } : undefined),
    );
    opened.clients.push(client);
    return { client, heard };
  };

  it('tells every live 2025 session that the tool or prompt list changed', async () => {
    const app = await start();
    const [one, two] = [await listening(app.url), await listening(app.url)];
    await new Promise((resolve) => setTimeout(resolve, 200)); // the GET streams open
    const lists = app.app.get(McpListChanges);
    await lists.toolsChanged();
    await lists.promptsChanged();
    await waitFor(() => one.heard.length === 2 && two.heard.length === 2);
    expect(one.heard).toEqual(['tools', 'prompts']);
    expect(two.heard).toEqual(['tools', 'prompts']);
  });

  it('tells a 2026-07-28 client listening on subscriptions/listen', async () => {
    const app = await start({ protocol: 'dual' });
    const version = '2026-07-28';
    const abort = new AbortController();
    const listen = await fetch(app.url, {
      method: 'POST',
      signal: abort.signal,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': version,
        'mcp-method': 'subscriptions/listen',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'subscriptions/listen',
        params: {
          notifications: { toolsListChanged: true },
          _meta: {
            'io.modelcontextprotocol/protocolVersion': version,
            'io.modelcontextprotocol/clientInfo': { name: 'listener', version: '1.0.0' },
            'io.modelcontextprotocol/clientCapabilities': {},
          },
        },
      }),
    });
    expect(listen.status).toBe(200);
    const stream = new SseReader(listen);
    await stream.next(1000); // the acknowledgement
    await app.app.get(McpListChanges).toolsChanged();
    const methods: string[] = [];
    for (let e = await stream.next(1000); e; e = await stream.next(300)) {
      methods.push(String(messageOf(e)?.method));
    }
    abort.abort();
    await stream.cancel();
    expect(methods).toContain('notifications/tools/list_changed');
  });

  describeWithRedis('with the redis option', () => {
    it('tells the sessions of the other instances', async () => {
      const sessionStore = new InMemorySessionStore();
      const redis = { url: REDIS_URL!, keyPrefix: `${uniqueNamespace()}:` };
      const a = await start({ sessionStore, redis });
      const b = await start({ sessionStore, redis });
      const onB = await listening(b.url);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await a.app.get(McpListChanges).toolsChanged();
      await waitFor(() => onB.heard.length === 1);
      expect(onB.heard).toEqual(['tools']);
    });
  });
});
