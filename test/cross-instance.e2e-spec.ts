import { afterEach, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { InMemorySessionStore, type McpModuleOptions } from '../lib/index.js';
import { startRoundRobinProxy } from '../sample/conformance/round-robin-proxy.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from './fixtures/redis.js';
import { freePort } from './fixtures/server-process.js';
import { SurfaceProvider } from './fixtures/surface.provider.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { waitFor } from './fixtures/wait-for.js';

/**
 * Instances behind a load balancer with no affinity: every HTTP request goes to the next
 * instance, so a client's answer to a server's request lands on another instance than the
 * one that asked.
 */
describeWithRedis('server-to-client requests across instances', () => {
  const opened: { apps: TestApp[]; proxies: Server[]; clients: Client[] } = {
    apps: [],
    proxies: [],
    clients: [],
  };
  afterEach(async () => {
    await Promise.all(opened.clients.splice(0).map((c) => c.close().catch(() => undefined)));
    for (const proxy of opened.proxies.splice(0)) proxy.close();
    await Promise.all(opened.apps.splice(0).map((a) => a.close().catch(() => undefined)));
  });

  /** Two instances on one session store and one Redis, behind a round-robin proxy. */
  async function balanced(options: Partial<McpModuleOptions> = {}) {
    const sessionStore = new InMemorySessionStore();
    const redis = { url: REDIS_URL!, keyPrefix: `${uniqueNamespace()}:` };
    for (let i = 0; i < 2; i++) {
      opened.apps.push(
        await createTestApp({ sessionStore, redis, ...options }, { providers: [SurfaceProvider] }),
      );
    }
    const port = await freePort();
    const targets = opened.apps.map((app) => Number(app.url.port));
    opened.proxies.push(await startRoundRobinProxy(port, targets));
    const client = new Client(
      { name: 'balanced-client', version: '1.0.0' },
      { capabilities: { sampling: {}, elicitation: {} } },
    );
    opened.clients.push(client);
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)),
    );
    return { client, apps: opened.apps };
  }

  it('answers an elicitation posted to another instance than the one that asked', async () => {
    const { client } = await balanced();
    client.setRequestHandler(ElicitRequestSchema, () => ({
      action: 'accept',
      content: { name: 'Ada' },
    }));
    // Each call and its answer take two requests: over a few calls, answers land on both.
    for (let i = 0; i < 4; i++) {
      const result = await client.callTool({ name: 'askName', arguments: {} });
      expect(result.content).toEqual([{ type: 'text', text: 'accept:Ada' }]);
    }
  });

  it('answers sampling posted to another instance than the one that asked', async () => {
    const { client } = await balanced();
    client.setRequestHandler(CreateMessageRequestSchema, (request) => ({
      role: 'assistant',
      model: 'test-model',
      content: { type: 'text', text: `re: ${JSON.stringify(request.params.messages[0].content)}` },
    }));
    for (let i = 0; i < 4; i++) {
      const result = await client.callTool({ name: 'ask', arguments: { question: `q${i}` } });
      expect(result.content).toEqual([
        { type: 'text', text: `re: ${JSON.stringify({ type: 'text', text: `q${i}` })}` },
      ]);
    }
  });

  it('aborts a tool when its cancellation is posted to another instance', async () => {
    const { client, apps } = await balanced();
    for (let i = 0; i < 2; i++) {
      const abort = new AbortController();
      const call = client.callTool({ name: 'wait', arguments: {} }, undefined, {
        signal: abort.signal,
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      abort.abort('changed my mind'); // the SDK client posts notifications/cancelled
      await expect(call).rejects.toThrow();
    }
    // Each cancellation aborted its tool, wherever it ran, long before the tool's 5 s.
    await waitFor(() => apps.flatMap((app) => app.tools.waits).length === 2, 2000);
    expect(apps.flatMap((app) => app.tools.waits)).toEqual(['aborted', 'aborted']);
  });
});
