import { afterEach, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  EmptyResultSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { Injectable } from '@nestjs/common';
import {
  InMemorySessionStore,
  Tool,
  type McpModuleOptions,
  type McpRequestContext,
} from '../lib/index.js';
import { startRoundRobinProxy } from '../sample/conformance/round-robin-proxy.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from './fixtures/redis.js';
import { RecordingLogger } from './fixtures/recording-logger.js';
import { freePort } from './fixtures/server-process.js';
import { messageOf, RawMcpClient, SseReader } from './fixtures/sse-client.js';
import { SurfaceProvider } from './fixtures/surface.provider.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { waitFor } from './fixtures/wait-for.js';

@Injectable()
class RootsAndPingTools {
  @Tool({ description: 'Asks the client for its roots, then pings it' })
  async rootsThenPing(_args: unknown, ctx: McpRequestContext): Promise<string> {
    const related = { relatedRequestId: ctx.requestId };
    const { roots } = await ctx.server.server.listRoots(undefined, related);
    await ctx.server.server.request({ method: 'ping' }, EmptyResultSchema, related);
    return `roots: ${roots.map((root) => root.uri).join(', ')}; ping: ok`;
  }
}

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
      const providers = [SurfaceProvider, RootsAndPingTools];
      opened.apps.push(await createTestApp({ sessionStore, redis, ...options }, { providers }));
    }
    const port = await freePort();
    const targets = opened.apps.map((app) => Number(app.url.port));
    opened.proxies.push(await startRoundRobinProxy(port, targets));
    const client = new Client(
      { name: 'balanced-client', version: '1.0.0' },
      { capabilities: { sampling: {}, elicitation: {}, roots: {} } },
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

  it('answers roots and ping posted to another instance than the one that asked', async () => {
    const { client } = await balanced();
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: [{ uri: 'file:///work', name: 'work' }],
    }));
    for (let i = 0; i < 3; i++) {
      const result = await client.callTool({ name: 'rootsThenPing', arguments: {} });
      expect(result.content).toEqual([{ type: 'text', text: 'roots: file:///work; ping: ok' }]);
    }
  });

  it('drops, with a log line, an answer for an instance that is gone', async () => {
    const sessionStore = new InMemorySessionStore();
    const redis = { url: REDIS_URL!, keyPrefix: `${uniqueNamespace()}:` };
    const logger = new RecordingLogger();
    const a = await createTestApp(
      { sessionStore, redis, shutdownGraceMs: 100 },
      { providers: [SurfaceProvider] },
    );
    const b = await createTestApp(
      { sessionStore, redis },
      { providers: [SurfaceProvider], logger },
    );
    opened.apps.push(a, b);
    const client = await new RawMcpClient(a.url).connect({ elicitation: {} });
    const call = await client.request('tools/call', { name: 'askName', arguments: {} });
    const stream = new SseReader(call.response);
    let asked: Record<string, any> | undefined;
    while (!asked?.method) asked = messageOf((await stream.next())!);
    expect(asked.method).toBe('elicitation/create');
    await stream.cancel();
    await a.close(); // the instance that asked is gone, with the call it ran

    const onB = Object.assign(new RawMcpClient(b.url), { sessionId: client.sessionId });
    const answer = { action: 'accept', content: { name: 'Ada' } };
    const posted = await onB.post({ jsonrpc: '2.0', id: asked.id, result: answer });
    expect(posted.status).toBe(202);
    await waitFor(() => logger.about(client.sessionId, 'warn').length > 0, 2000);
    expect(logger.about(client.sessionId, 'warn')).toEqual([
      expect.stringContaining(
        `to a request of instance ${String(asked.id).split('.')[0]}, which is gone`,
      ),
    ]);
  });
});
