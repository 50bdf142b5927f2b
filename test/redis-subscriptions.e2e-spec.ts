import { afterEach, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemorySessionStore, McpResourceSubscriptions } from '../lib/index.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from './fixtures/redis.js';
import { ResumableProvider } from './fixtures/resumable.provider.js';
import { messageOf, RawMcpClient, SseReader } from './fixtures/sse-client.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

describeWithRedis('resource subscriptions with the redis option', () => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close().catch(() => undefined)));
  });

  /** Instances sharing one session store and one Redis. */
  const instances = async (count: number) => {
    const sessionStore = new InMemorySessionStore();
    const redis = { url: REDIS_URL!, keyPrefix: `${uniqueNamespace()}:` };
    const started: TestApp[] = [];
    for (let i = 0; i < count; i++) {
      started.push(
        await createTestApp({ sessionStore, redis }, { providers: [ResumableProvider] }),
      );
    }
    apps.push(...started);
    return started;
  };

  /** The resource URIs of the `resources/updated` notifications among SSE events. */
  const updatedUris = (events: Array<{ data: string }>) =>
    events
      .map((event) => messageOf(event as never))
      .filter((message) => message?.method === 'notifications/resources/updated')
      .map((message) => message!.params.uri);

  it('restores a session with its subscriptions, and reaches its GET stream on B from C', async () => {
    const [a, b, c] = await instances(3);
    const client = await new RawMcpClient(a.url).connect();
    const subscribed = await client.request('resources/subscribe', { uri: 'watch://a' });
    await new SseReader(subscribed.response).drain(100);

    // The client's GET stream is on B, which restores the session: it never saw the subscribe.
    const onB = new RawMcpClient(b.url);
    onB.sessionId = client.sessionId;
    const abort = new AbortController();
    const get = new SseReader(await onB.get(undefined, abort.signal));
    await sleep(100);
    // An update notified on C, where the session is not live, reaches the client on B.
    await c.app.get(McpResourceSubscriptions).notifyUpdated('watch://a');
    await c.app.get(McpResourceSubscriptions).notifyUpdated('watch://b'); // not subscribed
    const events = await get.drain(500);
    abort.abort();
    await get.cancel();
    expect(updatedUris(events)).toEqual(['watch://a']);
  });

  it('forgets what the client unsubscribed from, on every instance', async () => {
    const [a, b] = await instances(2);
    const client = await new RawMcpClient(a.url).connect();
    for (const [method, uri] of [
      ['resources/subscribe', 'watch://a'],
      ['resources/subscribe', 'watch://b'],
      ['resources/unsubscribe', 'watch://a'],
    ]) {
      await new SseReader((await client.request(method, { uri })).response).drain(100);
    }
    await sleep(100); // the record is written in the background
    const onB = new RawMcpClient(b.url);
    onB.sessionId = client.sessionId;
    const abort = new AbortController();
    const get = new SseReader(await onB.get(undefined, abort.signal));
    await sleep(100);
    await a.app.get(McpResourceSubscriptions).notifyUpdated('watch://a');
    await a.app.get(McpResourceSubscriptions).notifyUpdated('watch://b');
    const events = await get.drain(500);
    abort.abort();
    await get.cancel();
    expect(updatedUris(events)).toEqual(['watch://b']);
  });
});
