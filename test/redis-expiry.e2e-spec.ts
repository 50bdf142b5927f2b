import { afterEach, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemorySessionStore, MCP_SESSION_MANAGER, type McpSessionManager } from '../lib/index.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from './fixtures/redis.js';
import { RawMcpClient, SseReader } from './fixtures/sse-client.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { waitFor } from './fixtures/wait-for.js';

describeWithRedis('session expiry with the redis option', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
  });

  it('drops an expired session on every instance once one of them has seen it go', async () => {
    const sessionStore = new InMemorySessionStore();
    const redis = { url: REDIS_URL!, keyPrefix: `${uniqueNamespace()}:` };
    const sessionTtlMs = 1000;
    const a = await createTestApp({ sessionStore, redis, sessionTtlMs, revalidateIntervalMs: 100 });
    apps.push(a);
    const b = await createTestApp({
      sessionStore,
      redis,
      sessionTtlMs,
      revalidateIntervalMs: 60_000,
    });
    apps.push(b);
    const client = await new RawMcpClient(a.url).connect();
    const onB = Object.assign(new RawMcpClient(b.url), { sessionId: client.sessionId });
    await new SseReader((await onB.request('ping', {})).response).drain(100);
    const managerOfB = b.app.get<McpSessionManager>(MCP_SESSION_MANAGER);
    expect(managerOfB.isLive(client.sessionId)).toBe(true);

    await sleep(sessionTtlMs + 300); // idle: the record expires
    // A request on A finds it gone (A checks the store when it has not looked lately) ...
    expect((await client.request('ping', {})).response.status).toBe(404);
    // ... and B, which would not look for a minute, drops it at once too.
    await waitFor(() => !managerOfB.isLive(client.sessionId), 1000);
  });
});
