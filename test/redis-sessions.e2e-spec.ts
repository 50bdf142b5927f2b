import { afterEach, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createClient } from '@keyv/redis';
import {
  CacheManagerSessionStore,
  McpSessionManager,
  type McpModuleOptions,
} from '../lib/index.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import {
  callTool,
  handshake,
  initializeRequest,
  messagesOf,
  post,
  sendInitialized,
} from './fixtures/mcp-http.js';
import {
  describeWithRedis,
  REDIS_URL,
  RedisServer,
  redisCacheModule,
  uniqueNamespace,
} from './fixtures/redis.js';
import { freePort } from './fixtures/server-process.js';
import { setTimeout as sleep } from 'node:timers/promises';

const asUser = (user: string): Record<string, string> => ({ 'x-user': user });
const principal = (req: Request) => req.headers['x-user'] as string | undefined;

const call = (
  http: Server,
  sessionId: string,
  name: string,
  args: object = {},
  headers: Record<string, string> = {},
) => callTool(http, sessionId, name, args as Record<string, unknown>, { headers });

/** The handshake as `headers` say, with `initialize` carrying `sessionId` if given. */
const init = (http: Server, headers: Record<string, string> = {}, sessionId?: string) =>
  handshake(http, '/mcp', undefined, { headers, sessionId });

describeWithRedis('sessions in Redis through @nestjs/cache-manager', () => {
  const apps: TestApp[] = [];
  const redisServers: RedisServer[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close().catch(() => undefined)));
    await Promise.all(redisServers.splice(0).map((r) => r.stop()));
  });

  const instance = async (
    namespace: string,
    options: Partial<McpModuleOptions> = {},
    url = REDIS_URL!,
  ) => {
    const app = await createTestApp(
      { sessionStore: CacheManagerSessionStore, principal, ...options },
      { imports: [redisCacheModule(url, namespace)] },
    );
    apps.push(app);
    return {
      app,
      http: app.app.getHttpServer() as Server,
      store: app.app.get('MCP_SESSION_STORE') as CacheManagerSessionStore,
    };
  };

  it('hides a session from another principal, live or restored, and changes nothing', async () => {
    const ns = uniqueNamespace();
    const a = await instance(ns);
    const b = await instance(ns);
    const sessionId = await init(a.http, asUser('alice'));
    const before = await a.store.load(sessionId);

    for (const { http } of [a, b]) {
      const foreign = await call(http, sessionId, 'echo', { text: 'x' }, asUser('mallory'));
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ error: { code: -32001, message: 'Session not found' } });
      const anonymous = await call(http, sessionId, 'echo', { text: 'x' });
      expect(anonymous.status).toBe(404);
      const del = await request(http)
        .delete('/mcp')
        .set('Mcp-Session-Id', sessionId)
        .set(asUser('mallory'));
      expect(del.status).toBe(404);
    }
    // initialize with alice's id as mallory starts a fresh session with a new id
    const fresh = await init(b.http, asUser('mallory'), sessionId);
    expect(fresh).not.toBe(sessionId);
    expect(await a.store.load(sessionId)).toEqual(before);
    expect(b.app.tools.restores).toHaveLength(0);

    const own = await call(b.http, sessionId, 'echo', { text: 'mine' }, asUser('alice'));
    expect(messagesOf(own.text)[0].result.content[0].text).toBe('mine');
  });

  it('re-initializes a stored session in place when initialize carries its id (openai-agents-python)', async () => {
    const ns = uniqueNamespace();
    const a = await instance(ns);
    const b = await instance(ns);
    const sessionId = await init(a.http, asUser('alice'));
    const again = await post(
      b.http,
      '/mcp',
      { ...initializeRequest(1, 'agents-python') },
      sessionId,
    )
      .set(asUser('alice'))
      .buffer(true);
    expect(again.status).toBe(200);
    expect(again.headers['mcp-session-id']).toBe(sessionId);
    expect(messagesOf(again.text)[0].result.serverInfo.name).toBe('test-server');
    const initialized = await sendInitialized(b.http, sessionId, { headers: asUser('alice') });
    expect(initialized.status).toBe(202);
    const echo = await call(b.http, sessionId, 'echo', { text: 'resumed' }, asUser('alice'));
    expect(messagesOf(echo.text)[0].result.content[0].text).toBe('resumed');
    expect(b.app.tools.restores.map((m) => [m.reason, m.clientInfo.name])).toEqual([
      ['reinitialize', 'agents-python'],
    ]);
    expect((await b.store.load(sessionId))?.initializeParams.clientInfo.name).toBe('agents-python');
  });

  it('expires an idle session after sessionTtlMs, everywhere, and keeps a used one alive', async () => {
    const ns = uniqueNamespace();
    const options = { sessionTtlMs: 1500, revalidateIntervalMs: 200 };
    const a = await instance(ns, options);
    const b = await instance(ns, options);
    const idle = await init(a.http);
    const busy = await init(a.http);
    for (let i = 0; i < 10; i++) {
      await sleep(300);
      expect((await call(a.http, busy, 'echo', { text: 'ping' })).status).toBe(200);
    }
    expect((await call(b.http, busy, 'echo', { text: 'on b' })).status).toBe(200);
    expect((await call(a.http, idle, 'echo', { text: 'x' })).status).toBe(404);
    expect((await call(b.http, idle, 'echo', { text: 'x' })).status).toBe(404);
  });

  it('answers 404 on every instance soon after a DELETE on one, even where the session is live', async () => {
    const ns = uniqueNamespace();
    const a = await instance(ns, { revalidateIntervalMs: 300 });
    const b = await instance(ns, { revalidateIntervalMs: 300 });
    const sessionId = await init(a.http);
    expect((await call(b.http, sessionId, 'echo', { text: 'live on b' })).status).toBe(200);
    expect(b.app.app.get('MCP_SESSION_MANAGER').isLive(sessionId)).toBe(true);
    expect((await request(a.http).delete('/mcp').set('Mcp-Session-Id', sessionId)).status).toBe(
      200,
    );
    await sleep(350);
    const res = await call(b.http, sessionId, 'echo', { text: 'x' });
    expect(res.status).toBe(404);
    expect(b.app.app.get('MCP_SESSION_MANAGER').isLive(sessionId)).toBe(false);
  });

  it('restores the negotiated protocol version and the logging level', async () => {
    const ns = uniqueNamespace();
    const a = await instance(ns);
    const sessionId = await init(a.http);
    const setLevel = await post(
      a.http,
      '/mcp',
      { jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'error' } },
      sessionId,
    ).buffer(true);
    expect(messagesOf(setLevel.text)[0]).toMatchObject({ id: 2, result: {} });
    await sleep(50);
    expect((await a.store.load(sessionId))?.loggingLevel).toBe('error');

    const b = await instance(ns);
    const res = await call(b.http, sessionId, 'log'); // no MCP-Protocol-Version header
    const messages = messagesOf(res.text);
    const logs = messages
      .filter((m) => m.method === 'notifications/message')
      .map((m) => m.params.level);
    expect(logs).toEqual(['error']);
    expect(messages.at(-1)!.result.content[0].text).toBe('2025-06-18');
    expect(b.app.tools.restores).toHaveLength(1);
  });

  it('treats a stored value that does not parse as absent, without failing the others read with it', async () => {
    const ns = uniqueNamespace();
    const a = await instance(ns);
    const [corrupt, healthy] = [await init(a.http), await init(a.http)];
    const redis = await createClient({ url: REDIS_URL }).connect();
    try {
      const [key] = await redis.keys(`${ns}*session:${corrupt}`);
      await redis.set(key, '{"value":{"v":1,"sess'); // truncated JSON
    } finally {
      await redis.close();
    }
    // What a sweep reads: the healthy session is still checked (and its TTL refreshed).
    const [none, record] = await a.store.loadMany([corrupt, healthy]);
    expect({ none, id: record?.sessionId }).toEqual({ none: undefined, id: healthy });

    await a.app.app.get(McpSessionManager).evict(corrupt);
    const res = await call(a.http, corrupt, 'echo', { text: 'x' });
    expect({ status: res.status, code: res.body.error?.code }).toEqual({
      status: 404,
      code: -32001,
    });
    // A client re-sending initialize with the id (openai-agents-python) gets a new session.
    const fresh = await init(a.http, {}, corrupt);
    expect(fresh).not.toBe(corrupt);
  });

  it('answers 503 with Retry-After while Redis is down, keeps live sessions serving, and recovers', async () => {
    const redis = await new RedisServer(
      await freePort(),
      mkdtempSync(join(tmpdir(), 'mcp-redis-')),
    ).start();
    redisServers.push(redis);
    const ns = uniqueNamespace();
    const options = { storeTimeoutMs: 500 };
    const a = await instance(ns, options, redis.url);
    const b = await instance(ns, options, redis.url);
    const live = await init(a.http);
    const cold = await init(a.http);

    await redis.stop();
    const served = await call(a.http, live, 'echo', { text: 'still here' });
    expect(served.status).toBe(200);
    expect(messagesOf(served.text)[0].result.content[0].text).toBe('still here');
    const restore = await call(b.http, cold, 'echo', { text: 'x' });
    expect(restore.status).toBe(503);
    expect(restore.headers['retry-after']).toBeDefined();
    expect(restore.body).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    const fresh = await post(a.http, '/mcp', initializeRequest(5));
    expect(fresh.status).toBe(503);
    expect(fresh.body).toMatchObject({
      id: 5,
      error: { message: expect.stringMatching(/unavailable/) },
    });

    await redis.start(); // reloads its append-only file
    let recovered = 0;
    for (let i = 0; i < 40 && recovered !== 200; i++) {
      await sleep(250);
      recovered = (await post(a.http, '/mcp', initializeRequest(6)).buffer(true)).status;
    }
    expect(recovered).toBe(200);
    expect((await call(b.http, cold, 'echo', { text: 'restored' })).status).toBe(200);
    expect(b.app.tools.restores.map((m) => m.sessionId)).toEqual([cold]);
    expect((await call(a.http, live, 'echo', { text: 'ok' })).status).toBe(200);
  });
});
