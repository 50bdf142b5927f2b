import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernTransport,
} from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Injectable, type CanActivate, type ExecutionContext, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Request } from 'express';
import { acceptedContent, inputRequired } from '@modelcontextprotocol/server';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import {
  InMemorySessionStore,
  Tool,
  type McpModuleOptions,
  type McpRequestContext,
} from '../lib/index.js';
import { CountingStore } from './fixtures/counting-store.js';
import { SurfaceProvider } from './fixtures/surface.provider.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

const MODERN = '2026-07-28';

const NAME = {
  type: 'object' as const,
  properties: { name: { type: 'string' as const } },
  required: ['name'],
};

/** One handler, written for 2026-07-28: it asks for input by returning an input-required result. */
@Injectable()
class GreetTools {
  @Tool({ description: 'Greets the user by the name they give' })
  greet(_args: unknown, ctx: McpRequestContext) {
    const name = acceptedContent(ctx.inputResponses, 'name')?.name;
    if (name === undefined) {
      return inputRequired({
        inputRequests: {
          name: inputRequired.elicit({ message: 'Your name?', requestedSchema: NAME }),
        },
        requestState: 'asked-once',
      });
    }
    return `Hello, ${String(name)} (${String(ctx.requestState)})`;
  }
}

/** The app's own authentication, as a guard: requests without the key are refused. */
@Injectable()
class KeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<Request>().headers['x-key'] === 'open sesame';
  }
}
type Mode = 'legacy' | 'auto' | { pin: string };

describe('both protocol eras on one endpoint', () => {
  const opened: { apps: TestApp[]; clients: Array<{ close(): Promise<void> }> } = {
    apps: [],
    clients: [],
  };
  afterEach(async () => {
    await Promise.all(opened.clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await Promise.all(opened.apps.splice(0).map((a) => a.close().catch(() => undefined)));
  });

  const app = async (options: Partial<McpModuleOptions> = {}, providers: Provider[] = []) => {
    const started = await createTestApp(
      { protocol: 'dual', ...options },
      { providers: [SurfaceProvider, ...providers] },
    );
    opened.apps.push(started);
    return started;
  };

  const modernClient = async (url: URL, mode: Mode, sessionId?: string) => {
    const client = new ModernClient(
      { name: 'v2-client', version: '1.0.0' },
      { versionNegotiation: { mode } },
    );
    const transport = new ModernTransport(url, sessionId ? { sessionId } : undefined);
    await client.connect(transport);
    opened.clients.push(client);
    return { client, transport };
  };

  const legacyClient = async (url: URL, sessionId?: string) => {
    const client = new Client({ name: 'sdk-1.32-client', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(url, sessionId ? { sessionId } : undefined);
    await client.connect(transport);
    opened.clients.push(client);
    return { client, transport };
  };

  const echo = async (client: ModernClient | Client, text: string) =>
    (await client.callTool({ name: 'echo', arguments: { text } })).content;

  it('serves a v2 client pinned to 2026-07-28 statelessly: tools, resources, prompts, completion', async () => {
    const sessionStore = new CountingStore();
    const server = await app({ sessionStore });
    const { client, transport } = await modernClient(server.url, { pin: MODERN });
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(await echo(client, 'hi')).toEqual([{ type: 'text', text: 'hi' }]);
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(['echo', 'ask', 'askName']));
    const config = await client.readResource({ uri: 'config://app' });
    expect(config.contents[0]).toMatchObject({ uri: 'config://app' });
    const prompt = await client.getPrompt({ name: 'plain' });
    expect(prompt.messages.length).toBeGreaterThan(0);
    const completion = await client.complete({
      ref: { type: 'ref/resource', uri: 'colors://{name}/hex' },
      argument: { name: 'name', value: 're' },
    });
    expect(completion.completion.values).toEqual(['red']);
    // No session: no id handed out, and the session store never touched.
    expect(transport.sessionId).toBeUndefined();
    expect(sessionStore.total).toBe(0);
  });

  it('gives a v2 client in auto mode the modern era, after its server/discover probe', async () => {
    const server = await app();
    const { client, transport } = await modernClient(server.url, 'auto');
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(await echo(client, 'auto')).toEqual([{ type: 'text', text: 'auto' }]);
    expect(transport.sessionId).toBeUndefined();
  });

  it.each([
    ['the v2 client in its default mode', 'v2'],
    ['the 1.32 client', '1.32'],
  ])('gives %s a 2025 session that survives a restart', async (_name, which) => {
    const sessionStore = new InMemorySessionStore();
    const first = await app({ sessionStore });
    const connect = (url: URL, sessionId?: string) =>
      which === 'v2' ? modernClient(url, 'legacy', sessionId) : legacyClient(url, sessionId);
    const before = await connect(first.url);
    const sessionId = before.transport.sessionId!;
    expect(sessionId).toEqual(expect.any(String));
    expect(await echo(before.client, 'one')).toEqual([{ type: 'text', text: 'one' }]);
    await first.close(); // the process goes; the session stays in the store

    const second = await app({ sessionStore });
    const after = await connect(second.url, sessionId);
    expect(await echo(after.client, 'two')).toEqual([{ type: 'text', text: 'two' }]);
    expect(after.transport.sessionId).toBe(sessionId);
  });

  it('answers a malformed 2026-07-28 claim on the modern path, never the session path', async () => {
    const sessionStore = new CountingStore();
    const server = await app({ sessionStore });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
      },
      // The header claims 2026-07-28, the body carries no envelope.
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe(-32602);
    expect(sessionStore.total).toBe(0);
  });

  it('with protocol "legacy", serves 2025 only: a pinned client fails, an auto client gets a session', async () => {
    const server = await app({ protocol: 'legacy' });
    await expect(modernClient(server.url, { pin: MODERN })).rejects.toThrow();
    const { client, transport } = await modernClient(server.url, 'auto');
    expect(client.getNegotiatedProtocolVersion()).not.toBe(MODERN);
    expect(transport.sessionId).toEqual(expect.any(String));
    expect(await echo(client, 'legacy')).toEqual([{ type: 'text', text: 'legacy' }]);
  });

  it('answers the server/discover probe even while the session store is down', async () => {
    const down = new InMemorySessionStore();
    down.load = () => Promise.reject(new Error('store down'));
    down.save = () => Promise.reject(new Error('store down'));
    const server = await app({ sessionStore: down, storeTimeoutMs: 200 });
    const { client } = await modernClient(server.url, 'auto');
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(await echo(client, 'still')).toEqual([{ type: 'text', text: 'still' }]);
  });

  it('puts 2026-07-28 requests behind the same Origin check, guards and body limit', async () => {
    const server = await app({ allowedOrigins: ['https://app.example.com'] }, [
      { provide: APP_GUARD, useClass: KeyGuard },
    ]);
    const envelope = {
      'io.modelcontextprotocol/protocolVersion': MODERN,
      'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1.0.0' },
      'io.modelcontextprotocol/clientCapabilities': {},
    };
    const call = (text: string, headers: Record<string, string> = {}) =>
      fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': MODERN,
          'mcp-method': 'tools/call',
          'mcp-name': 'echo',
          'x-key': 'open sesame',
          ...headers,
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'echo', arguments: { text }, _meta: envelope },
        }),
      });
    const allowed = await call('ok', { origin: 'https://app.example.com' });
    expect(allowed.status).toBe(200);
    const foreign = await call('no', { origin: 'https://evil.example.com' });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error).toBeDefined();
    const unguarded = await call('no', { 'x-key': 'wrong' });
    expect(unguarded.status).toBe(403);
    const huge = await call('x'.repeat(5_000_000));
    expect(huge.status).toBe(413);
    expect((await huge.json()).error.code).toBe(-32000);
  });

  it('serves one input-required handler to both eras: in-band for 2026-07-28, as an elicitation for 2025', async () => {
    const server = await app({}, [GreetTools]);
    const answer = { action: 'accept' as const, content: { name: 'Ada' } };
    const greet = { name: 'greet', arguments: {} };
    const expected = [{ type: 'text', text: 'Hello, Ada (asked-once)' }];

    const modern = new ModernClient(
      { name: 'v2-client', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: MODERN } }, capabilities: { elicitation: {} } },
    );
    modern.setRequestHandler('elicitation/create', async () => answer);
    await modern.connect(new ModernTransport(server.url));
    opened.clients.push(modern);
    expect((await modern.callTool(greet)).content).toEqual(expected);

    const legacy = new Client(
      { name: 'sdk-1.32-client', version: '1.0.0' },
      { capabilities: { elicitation: {} } },
    );
    legacy.setRequestHandler(ElicitRequestSchema, async () => answer);
    await legacy.connect(new StreamableHTTPClientTransport(server.url));
    opened.clients.push(legacy);
    expect((await legacy.callTool(greet)).content).toEqual(expected);
  });
});
