import { afterEach, describe, expect, it } from '@jest/globals';
import { createClient } from '@redis/client';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  InMemorySessionStore,
  MCP_SESSION_MANAGER,
  McpResourceSubscriptions,
  type McpModuleOptions,
  type McpSessionManager,
} from '../lib/index.js';
import { describeWithRedis, REDIS_URL, RedisServer, uniqueNamespace } from './fixtures/redis.js';
import { freePort } from './fixtures/server-process.js';
import { ResumableProvider } from './fixtures/resumable.provider.js';
import { messageOf, RawMcpClient, SseReader } from './fixtures/sse-client.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

/** What the SSE events carry: log messages by their data, resource updates by URI. */
const contentOf = (events: Array<{ data: string }>) =>
  events.flatMap((event) => {
    const message = messageOf(event as never);
    if (message?.method === 'notifications/message') return [`log ${message.params.data}`];
    if (message?.method === 'notifications/resources/updated') {
      return [`updated ${message.params.uri}`];
    }
    return [];
  });

describeWithRedis('the standalone GET stream with the redis option', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
  });

  /** Instances sharing one session store and one Redis, as instances behind a balancer. */
  const instances = async (count: number, options: Partial<McpModuleOptions> = {}) => {
    const sessionStore = new InMemorySessionStore();
    const redis = { url: REDIS_URL!, keyPrefix: `${uniqueNamespace()}:` };
    const started: TestApp[] = [];
    for (let i = 0; i < count; i++) {
      const app = await createTestApp(
        { sessionStore, redis, ...options },
        { providers: [ResumableProvider] },
      );
      apps.push(app);
      started.push(app);
    }
    return started;
  };

  const managerOf = (app: TestApp) => app.app.get<McpSessionManager>(MCP_SESSION_MANAGER);

  /** A log message the server sends outside any request (so on the standalone stream). */
  const logFrom = async (app: TestApp, sessionId: string, data: string) => {
    const resolved = await managerOf(app).get(sessionId);
    await resolved!.session.server.server.sendLoggingMessage({ level: 'info', data });
  };

  /** The client's session, with a client for it on each of `on`. */
  const sessionOn = async (first: TestApp, ...on: TestApp[]) => {
    const client = await new RawMcpClient(first.url).connect();
    return on.map((app) =>
      Object.assign(new RawMcpClient(app.url), { sessionId: client.sessionId }),
    );
  };

  it('brings what any instance sends outside a request to the GET stream, wherever it is open', async () => {
    const [a, b, c] = await instances(3);
    const [onA, onB] = await sessionOn(a, a, b);
    const abort = new AbortController();
    const get = await onB.get(undefined, abort.signal);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('text/event-stream');
    const stream = new SseReader(get);
    await logFrom(a, onA.sessionId, 'from A'); // live on A, where it was initialized
    await logFrom(c, onA.sessionId, 'from C'); // restored on C
    await logFrom(b, onA.sessionId, 'from B'); // B holds the stream
    const events = await stream.drain(500);
    abort.abort();
    await stream.cancel();
    expect(contentOf(events)).toEqual(['log from A', 'log from C', 'log from B']);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it('resumes the GET stream on another instance: what it missed once, in order, then what comes', async () => {
    const [a, b, c] = await instances(3);
    const [onA, onB, onC] = await sessionOn(a, a, b, c);
    const first = new AbortController();
    const stream = new SseReader(await onB.get(undefined, first.signal));
    await logFrom(a, onA.sessionId, '1');
    const [seen] = await stream.drain(300);
    expect(contentOf([seen])).toEqual(['log 1']);
    first.abort();
    await stream.cancel();

    // Between connections: kept in the stream's events.
    await logFrom(a, onA.sessionId, '2');
    await logFrom(b, onA.sessionId, '3');
    const second = new AbortController();
    const resumed = new SseReader(await onC.get(seen.id, second.signal));
    await sleep(100);
    await logFrom(a, onA.sessionId, '4');
    const events = await resumed.drain(500);
    second.abort();
    await resumed.cancel();
    expect(contentOf(events)).toEqual(['log 2', 'log 3', 'log 4']);
  });

  it('follows every GET stream of an instance on one Redis connection, each at once', async () => {
    const [a, b] = await instances(2);
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const clients = async () =>
      Number(/connected_clients:(\d+)/.exec(await redis.info('clients'))![1]);
    const sessions = await Promise.all([1, 2, 3, 4, 5].map(() => sessionOn(a, a, b)));
    const abort = new AbortController();
    // The first GET opens the follower's connection; four more open none.
    const first = new SseReader(await sessions[0][1].get(undefined, abort.signal));
    const before = await clients();
    const rest = await Promise.all(
      sessions
        .slice(1)
        .map(async ([, onB]) => new SseReader(await onB.get(undefined, abort.signal))),
    );
    expect(await clients()).toBe(before);
    const started = Date.now();
    await Promise.all(sessions.map(([onA], i) => logFrom(a, onA.sessionId, `to ${i}`)));
    const received = await Promise.all([first, ...rest].map((stream) => stream.next(2000)));
    // Well under the follower's 1 s blocking read: a new follower wakes the read.
    expect(Date.now() - started).toBeLessThan(800);
    expect(contentOf(received as never)).toEqual([
      'log to 0',
      'log to 1',
      'log to 2',
      'log to 3',
      'log to 4',
    ]);
    abort.abort();
    await Promise.all([first, ...rest].map((stream) => stream.cancel()));
    await redis.quit();
  });

  it('refuses a second GET stream of a session on one instance with 409, as the SDK does', async () => {
    const [a] = await instances(1);
    const [onA] = await sessionOn(a, a);
    const abort = new AbortController();
    const first = await onA.get(undefined, abort.signal);
    expect(first.status).toBe(200);
    const second = await onA.get();
    expect(second.status).toBe(409);
    expect((await second.json()).error.code).toBe(-32000);
    abort.abort();
    await new SseReader(first).cancel();
  });

  it('ends the GET stream when the session is deleted, on any instance', async () => {
    const [a, b] = await instances(2);
    const [onA, onB] = await sessionOn(a, a, b);
    const get = new SseReader(await onB.get());
    const deleted = await fetch(a.url, { method: 'DELETE', headers: onA.headers() });
    expect(deleted.status).toBe(200);
    // The stream ends at once, with no event, rather than staying open.
    const started = Date.now();
    expect(await get.next(3000)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(managerOf(b).isLive(onB.sessionId)).toBe(false);
  });

  it('ends GET streams when Redis goes, answers new ones 503 meanwhile, and follows again once it is back', async () => {
    const redisServer = await new RedisServer(await freePort()).start();
    try {
      const sessionStore = new InMemorySessionStore();
      const redis = { url: redisServer.url, keyPrefix: `${uniqueNamespace()}:` };
      const app = await createTestApp({ sessionStore, redis }, { providers: [ResumableProvider] });
      apps.push(app);
      const [client] = await sessionOn(app, app);
      const open = new SseReader(await client.get());
      await redisServer.stop();
      expect(await open.next(3000)).toBeUndefined(); // the stream ended
      const refused = await client.get();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.json()).toMatchObject({ error: { code: -32000 } });

      await redisServer.start();
      await sleep(1500); // node-redis reconnects by itself
      const abort = new AbortController();
      const again = await client.get(undefined, abort.signal);
      expect(again.status).toBe(200);
      const stream = new SseReader(again);
      await logFrom(app, client.sessionId, 'back');
      expect(contentOf([(await stream.next())!])).toEqual(['log back']);
      abort.abort();
      await stream.cancel();
    } finally {
      await redisServer.stop();
    }
  });

  describe('resource updates', () => {
    it('keeps an update for a session live nowhere, and sends it once to a session live on two', async () => {
      const [a, b, c] = await instances(3);
      const [onA, onB] = await sessionOn(a, a, b);
      const subscribed = await onA.request('resources/subscribe', { uri: 'watch://a' });
      await new SseReader(subscribed.response).drain(100);
      // Live on A and on B (restored there by a request).
      await new SseReader((await onB.request('ping', {})).response).drain(100);
      expect(managerOf(b).isLive(onB.sessionId)).toBe(true);
      const abort = new AbortController();
      const get = new SseReader(await onB.get(undefined, abort.signal));
      expect(await c.app.get(McpResourceSubscriptions).notifyUpdated('watch://a')).toBe(1);
      const live = await get.drain(400);
      abort.abort();
      await get.cancel();
      expect(contentOf(live)).toEqual(['updated watch://a']);

      // Live nowhere now; the update is kept in its GET stream's events.
      await managerOf(a).evict(onA.sessionId);
      await managerOf(b).evict(onA.sessionId);
      expect(await a.app.get(McpResourceSubscriptions).notifyUpdated('watch://a')).toBe(1);
      const resumed = new SseReader(await onA.get(live[0].id));
      const kept = await resumed.drain(400);
      await resumed.cancel();
      expect(contentOf(kept)).toEqual(['updated watch://a']);
    });

    it('forgets the subscribers whose session is gone', async () => {
      const [a, b] = await instances(2);
      const [onA] = await sessionOn(a, a);
      const subscribed = await onA.request('resources/subscribe', { uri: 'watch://a' });
      await new SseReader(subscribed.response).drain(100);
      const notifier = b.app.get(McpResourceSubscriptions);
      expect(await notifier.notifyUpdated('watch://a')).toBe(1);
      await fetch(a.url, { method: 'DELETE', headers: onA.headers() });
      expect(await notifier.notifyUpdated('watch://a')).toBe(0);
    });
  });
});
