import { afterAll, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import request from 'supertest';
import { Global, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { CountingStore } from './fixtures/counting-store.js';
import { GatedRestoreHook } from './fixtures/gated-restore-hook.js';
import { McpSessionManager } from '../lib/index.js';
import { PROTOCOL_VERSION, handshake, initializeRequest, post } from './fixtures/mcp-http.js';
import { RecordingLogger } from './fixtures/recording-logger.js';
import { createTestApp } from './fixtures/test-app.js';

const store = new CountingStore();

/**
 * Shuts down slowly, as `@nestjs/cache-manager` does while its Keyv stores disconnect
 * (a Redis client used after that connects again, and keeps the process from exiting).
 * Global modules are destroyed after the modules that import them.
 */
@Injectable()
class SlowShutdown implements OnModuleDestroy {
  storeCallsWhenStarted?: number;

  async onModuleDestroy(): Promise<void> {
    this.storeCallsWhenStarted = store.total;
    await sleep(200);
  }
}

@Global()
@Module({ providers: [SlowShutdown], exports: [SlowShutdown] })
class SlowShutdownModule {}

describe('shutdown', () => {
  it('stops the periodic store work before the other modules shut down', async () => {
    // Sweeps every 20 ms: a live session with a request or stream open is checked each time.
    const logger = new RecordingLogger();
    const test = await createTestApp(
      { sessionStore: store, revalidateIntervalMs: 40 },
      { imports: [SlowShutdownModule], logger },
    );
    const client = new Client({ name: 'shutdown-client', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(test.url));
    await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    const callsBefore = store.total;
    await sleep(100);
    expect(store.total).toBeGreaterThan(callsBefore); // the sweep does run while the app is up

    const slow = test.app.get(SlowShutdown);
    await test.close();
    await client.close();
    expect(slow.storeCallsWhenStarted).toBeDefined();
    expect(store.total).toBe(slow.storeCallsWhenStarted);
    // Nor did a sweep start and fail on the closed store.
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('answers 503 to requests that need the store once shutdown has begun', async () => {
    const test = await createTestApp({ sessionStore: store }, { imports: [SlowShutdownModule] });
    const closing = test.close();
    await sleep(50); // the HTTP server still takes requests while modules are destroyed
    const callsBefore = store.total;
    const response = await post(test.url.origin, test.url.pathname, initializeRequest());
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(JSON.parse(response.text)).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      error: { code: -32000 },
    });
    expect(store.total).toBe(callsBefore);
    await closing;
  });

  it('closes a session whose restore ends after shutdown began, instead of serving it', async () => {
    const first = await createTestApp({ sessionStore: store });
    const sessionId = await handshake(first.app.getHttpServer() as Server);
    await first.close();
    const second = await createTestApp({ sessionStore: store }, { providers: [GatedRestoreHook] });
    const hook = second.app.get(GatedRestoreHook);
    const manager = second.app.get(McpSessionManager);
    const stream = request(second.url.origin)
      .get(second.url.pathname)
      .set('Accept', 'text/event-stream')
      .set('Mcp-Session-Id', sessionId)
      .set('Mcp-Protocol-Version', PROTOCOL_VERSION)
      .then((response) => response);
    await hook.entered;
    let closed = false;
    const closing = second.close().then(() => (closed = true));
    await sleep(50);
    hook.release();
    // Served, the stream would stay open and keep the HTTP server from closing.
    const response = await Promise.race([stream, sleep(2000).then(() => undefined)]);
    expect(response?.status).toBe(503);
    expect(JSON.parse(response?.text ?? '{}')).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32000 },
    });
    expect(manager.isLive(sessionId)).toBe(false);
    await Promise.race([closing, sleep(2000)]);
    expect(closed).toBe(true);
  });

  afterAll(() => store.onModuleDestroy());
});
