import { afterEach, expect, it } from '@jest/globals';
import { createClient } from '@redis/client';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  InMemorySessionStore,
  MCP_EVENT_STORE,
  type McpEventStore,
  type McpModuleOptions,
} from '../lib/index.js';
import { RecordingLogger } from './fixtures/recording-logger.js';
import { describeWithRedis, REDIS_URL, RedisServer, uniqueNamespace } from './fixtures/redis.js';
import { ResumableProvider } from './fixtures/resumable.provider.js';
import { freePort } from './fixtures/server-process.js';
import { messageOf, RawMcpClient, SseReader } from './fixtures/sse-client.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

/** The progress counts and the result text carried by SSE events, in order. */
const contentOf = (events: Array<{ data: string }>) =>
  events.flatMap((event) => {
    const message = messageOf(event as never);
    if (message?.method === 'notifications/progress')
      return [`progress ${message.params.progress}`];
    if (message?.result) return [`result ${message.result.content[0].text}`];
    return [];
  });

describeWithRedis('Redis as the bus between instances', () => {
  const apps: TestApp[] = [];
  const servers: RedisServer[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  /** Instances sharing one session store and one Redis, as instances behind a balancer. */
  const instances = async (
    count: number,
    options: Partial<McpModuleOptions> = {},
    url = REDIS_URL!,
    logger?: RecordingLogger,
  ) => {
    const sessionStore = new InMemorySessionStore();
    const keyPrefix = `${uniqueNamespace()}:`;
    const started: TestApp[] = [];
    for (let i = 0; i < count; i++) {
      const app = await createTestApp(
        { sessionStore, redis: { url, keyPrefix }, ...options },
        { providers: [ResumableProvider], logger },
      );
      apps.push(app);
      started.push(app);
    }
    return { apps: started, keyPrefix };
  };

  /**
   * Starts the countdown tool (`n` progress events, `ms` apart) on `a`, reads the priming
   * event and two progress events, and cuts the connection; returns the client (its
   * session on `b` too) and the last event id it saw.
   */
  const countdownCutAfterThreeEvents = async (a: TestApp, b: TestApp, n: number, ms: number) => {
    const client = await new RawMcpClient(a.url).connect();
    const abort = new AbortController();
    const { response } = await client.request(
      'tools/call',
      { name: 'slow', arguments: { n, ms }, _meta: { progressToken: 'p' } },
      abort.signal,
    );
    const stream = new SseReader(response);
    const seen = [await stream.next(), await stream.next(), await stream.next()];
    expect(contentOf(seen as never)).toEqual(['progress 1', 'progress 2']); // after the priming event
    abort.abort();
    await stream.cancel();
    const onB = new RawMcpClient(b.url);
    onB.sessionId = client.sessionId;
    return { onB, lastEventId: seen[2]!.id! };
  };

  it('replays, on another instance, what a cut stream missed: each event once, in order', async () => {
    const {
      apps: [a, b],
    } = await instances(2);
    const { onB, lastEventId } = await countdownCutAfterThreeEvents(a, b, 6, 40);
    await sleep(300); // the tool goes on on A, and finishes
    const resumed = new SseReader(await onB.get(lastEventId));
    const rest = await resumed.drain(500);
    await resumed.cancel();
    expect(contentOf(rest)).toEqual([
      'progress 3',
      'progress 4',
      'progress 5',
      'progress 6',
      'result done after 6',
    ]);
  });

  it('goes on, on another instance, with what the running tool sends after the stream moved', async () => {
    const {
      apps: [a, b],
    } = await instances(2);
    // Cut after 3 events, while the countdown goes on on A.
    const { onB, lastEventId } = await countdownCutAfterThreeEvents(a, b, 8, 100);
    const started = Date.now();
    const resumed = await onB.get(lastEventId);
    expect(resumed.status).toBe(200);
    const events = await new SseReader(resumed).drain(3000);
    // Progress 3 may have been kept before the GET; the rest came while B followed.
    expect(contentOf(events)).toEqual([
      'progress 3',
      'progress 4',
      'progress 5',
      'progress 6',
      'progress 7',
      'progress 8',
      'result done after 8',
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    // The stream ended with the result, well before the reader's 3 s of silence.
    expect(Date.now() - started).toBeLessThan(2500);
  });

  /** A connection of the test's own, to look at what the module wrote. */
  const redisClient = async () => {
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    return redis;
  };

  it('keeps a Redis stream per session and instance, under a hash tag, expiring, deleted with it', async () => {
    const {
      apps: [app],
      keyPrefix,
    } = await instances(1, { sessionTtlMs: 60_000 });
    const client = await new RawMcpClient(app.url).connect();
    const call = await client.request('tools/call', {
      name: 'slow',
      arguments: { n: 3, ms: 1 },
      _meta: { progressToken: 'p' },
    });
    await new SseReader(call.response).drain(200);

    const redis = await redisClient();
    try {
      const list = `${keyPrefix}events:{${client.sessionId}}`;
      const [key] = await redis.sMembers(list);
      expect(key.startsWith(`${list}:`)).toBe(true); // this instance's stream of the session
      expect(await redis.type(key)).toBe('stream');
      // initialize's priming event and answer; the call's priming event, 3 progress
      // notifications and its result.
      expect(await redis.xLen(key)).toBe(7);
      for (const expiring of [key, list]) {
        const ttl = await redis.pTTL(expiring);
        expect(ttl).toBeGreaterThan(50_000);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }

      const deleted = await fetch(app.url, { method: 'DELETE', headers: client.headers() });
      expect(deleted.status).toBe(200);
      expect(await redis.exists([key, list])).toBe(0);
    } finally {
      await redis.close();
    }
  });

  it("bounds a session's events to about maxEventsPerSession, keeping the newest", async () => {
    const {
      apps: [app],
      keyPrefix,
    } = await instances(1);
    await app.close();
    const { apps: bounded } = await instances(1, {
      redis: { url: REDIS_URL!, keyPrefix, maxEventsPerSession: 10 },
    });
    const store = bounded[0].app.get(MCP_EVENT_STORE) as McpEventStore;
    const ids: string[] = [];
    for (let i = 0; i < 350; i++) {
      ids.push(
        await store.storeEvent('s1', 'stream', { jsonrpc: '2.0', method: 'n', params: { i } }),
      );
    }
    const redis = await redisClient();
    try {
      const [key] = await redis.sMembers(`${keyPrefix}events:{s1}`);
      const length = await redis.xLen(key);
      // Trimming with ~ drops whole nodes (100 entries each by default).
      expect(length).toBeGreaterThanOrEqual(10);
      expect(length).toBeLessThanOrEqual(110);
    } finally {
      await redis.close();
    }
    expect(await store.getStreamIdForEventId('s1', ids[0])).toBeUndefined();
    const replayed: number[] = [];
    await store.replayEventsAfter('s1', ids[340], async (_id, message) => {
      replayed.push((message as unknown as { params: { i: number } }).params.i);
    });
    expect(replayed).toEqual([341, 342, 343, 344, 345, 346, 347, 348, 349]);
    // Another session's id reads as unknown, and replays nothing.
    expect(await store.getStreamIdForEventId('s2', ids[349])).toBeUndefined();
  });

  it('drops a session on every instance at once when one of them deletes it', async () => {
    // Revalidation would take a minute: only the published delete can explain a 404.
    const {
      apps: [a, b],
    } = await instances(2, { revalidateIntervalMs: 60_000 });
    const client = await new RawMcpClient(a.url).connect();
    const onB = new RawMcpClient(b.url);
    onB.sessionId = client.sessionId;
    const ping = async (on: RawMcpClient) => (await on.request('ping', {})).response;
    expect((await ping(onB)).status).toBe(200); // live on B too
    const deleted = await fetch(a.url, { method: 'DELETE', headers: client.headers() });
    expect(deleted.status).toBe(200);
    expect((await ping(onB)).status).toBe(404);
  });

  it('starts, serves and stops while Redis is down from the start', async () => {
    const down = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const {
      apps: [app],
    } = await instances(1, { storeTimeoutMs: 300 }, down);
    expect(Date.now() - started).toBeLessThan(5000);
    const client = await new RawMcpClient(app.url).connect();
    const { response } = await client.request('tools/call', {
      name: 'slow',
      arguments: { n: 1, ms: 1 },
      _meta: { progressToken: 'p' },
    });
    expect(contentOf(await new SseReader(response).drain(300))).toEqual([
      'progress 1',
      'result done after 1',
    ]);
    const closing = Date.now();
    await app.close();
    expect(Date.now() - closing).toBeLessThan(3000);
  });

  it('keeps answering while Redis is down (events not kept, a resumption 503), and keeps events again once it is back', async () => {
    const redis = await new RedisServer(await freePort()).start();
    servers.push(redis);
    const logger = new RecordingLogger();
    const {
      apps: [a],
    } = await instances(1, {}, redis.url, logger);
    const client = await new RawMcpClient(a.url).connect();
    const callSlow = async () => {
      const { response } = await client.request('tools/call', {
        name: 'slow',
        arguments: { n: 2, ms: 1 },
        _meta: { progressToken: 'p' },
      });
      return new SseReader(response).drain(300);
    };

    await redis.stop();
    await sleep(200);
    // Resuming a stream needs Redis: 503, with Retry-After, and a JSON-RPC error.
    const resume = await client.get('AAAAAAAA~1-0');
    expect(resume.status).toBe(503);
    expect(resume.headers.get('retry-after')).toBe('5');
    expect(await resume.json()).toMatchObject({ error: { code: -32000 } });
    // Live work goes on: the answer comes, only it cannot be replayed.
    expect(contentOf(await callSlow())).toEqual([
      'progress 1',
      'progress 2',
      'result done after 2',
    ]);
    const warnings = logger.entries.filter((e) => e.level === 'warn').map((e) => e.text);
    expect(warnings.some((m) => /Redis unavailable/.test(m))).toBe(true);

    await redis.start();
    await sleep(1500); // node-redis reconnects by itself
    const events = await callSlow();
    expect(contentOf(events)).toEqual(['progress 1', 'progress 2', 'result done after 2']);
    // Kept again: the first progress event can be resumed from.
    const resumed = new SseReader(await client.get(events[1].id));
    expect(contentOf(await resumed.drain(300))).toEqual(['progress 2', 'result done after 2']);
    await resumed.cancel();
    const logs = logger.entries.filter((e) => e.level === 'log').map((e) => e.text);
    expect(logs.some((m) => /Redis answers again/.test(m))).toBe(true);
  });
});
