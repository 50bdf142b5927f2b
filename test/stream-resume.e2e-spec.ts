import { describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  InMemoryEventStore,
  InMemorySessionStore,
  McpResourceSubscriptions,
  type McpModuleOptions,
} from '../lib/index.js';
import { ResumableProvider } from './fixtures/resumable.provider.js';
import { messageOf, RawMcpClient, SseReader } from './fixtures/sse-client.js';
import { closedAfterEach, createTestApp } from './fixtures/test-app.js';
import { waitFor } from './fixtures/wait-for.js';

/**
 * A `Last-Event-ID` the serving instance does not hold (another instance's, a previous
 * process's, or one that aged out) opens a fresh GET stream: the spec lets a server not
 * replay, but a GET gets a stream or 405, and a 400 would leave the client without one.
 */
describe('resuming a GET stream with an event id this instance does not hold', () => {
  const { apps, clients } = closedAfterEach();
  const start = async (options: Partial<McpModuleOptions>) => {
    const app = await createTestApp(options, { providers: [ResumableProvider] });
    apps.push(app);
    return app;
  };

  /** Opens the GET stream, has one notification sent on it, and returns its event. */
  async function oneEventSeen(client: RawMcpClient, subscriptions: McpResourceSubscriptions) {
    await (await client.request('resources/subscribe', { uri: 'watch://a' })).response.text();
    const abort = new AbortController();
    const get = new SseReader(await client.get(undefined, abort.signal));
    await sleep(50);
    await subscriptions.notifyUpdated('watch://a');
    const seen = (await get.next())!;
    expect(messageOf(seen)?.params).toEqual({ uri: 'watch://a' });
    abort.abort();
    await get.cancel();
    return seen;
  }

  it('gets a stream on the instance the session moved to', async () => {
    const store = new InMemorySessionStore();
    const a = await start({ sessionStore: store });
    const b = await start({ sessionStore: store });
    const client = await new RawMcpClient(a.url).connect();
    const seen = await oneEventSeen(client, a.app.get(McpResourceSubscriptions));

    const onB = new RawMcpClient(b.url);
    onB.sessionId = client.sessionId;
    const abort = new AbortController();
    const resumed = await onB.get(seen.id, abort.signal);
    expect(resumed.status).toBe(200);
    expect(resumed.headers.get('content-type')).toMatch(/text\/event-stream/);
    // It is the session's stream: a notification for it arrives there.
    const stream = new SseReader(resumed);
    await (await onB.request('resources/subscribe', { uri: 'watch://b' })).response.text();
    await b.app.get(McpResourceSubscriptions).notifyUpdated('watch://b');
    expect(messageOf((await stream.next())!)?.params).toEqual({ uri: 'watch://b' });
    abort.abort();
    await stream.cancel();
  });

  it('gets a stream on the same instance once the event aged out', async () => {
    const app = await start({ eventStore: new InMemoryEventStore({ maxAgeMs: 50 }) });
    const subscriptions = app.app.get(McpResourceSubscriptions);
    const client = await new RawMcpClient(app.url).connect();
    const seen = await oneEventSeen(client, subscriptions);
    await sleep(100);
    await subscriptions.notifyUpdated('watch://a'); // stored now, which drops the aged one
    const abort = new AbortController();
    const resumed = await client.get(seen.id, abort.signal);
    expect(resumed.status).toBe(200);
    abort.abort();
    await resumed.body?.cancel().catch(() => undefined);
  });

  it('keeps the official client receiving notifications after its session moves', async () => {
    const store = new InMemorySessionStore();
    const a = await start({ sessionStore: store, sseRetryMs: 100 });
    const b = await start({ sessionStore: store, sseRetryMs: 100 });
    let target = a.url;
    const getsOnB: number[] = [];
    const transport = new StreamableHTTPClientTransport(a.url, {
      fetch: async (_input, init) => {
        const response = await fetch(target, init);
        if (init?.method === 'GET' && target === b.url) getsOnB.push(response.status);
        return response;
      },
      reconnectionOptions: {
        initialReconnectionDelay: 100,
        maxReconnectionDelay: 200,
        reconnectionDelayGrowFactor: 1,
        maxRetries: 3,
      },
    });
    const client = new Client({ name: 'moving-client', version: '1.0.0' });
    const errors: string[] = [];
    client.onerror = (e) => errors.push(e.message);
    const updates: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    await client.connect(transport);
    clients.push(client);
    await sleep(100); // the GET stream opens
    await client.subscribeResource({ uri: 'watch://a' });
    await a.app.get(McpResourceSubscriptions).notifyUpdated('watch://a');
    await waitFor(() => updates.length === 1);

    // A deploy: A stops, closing its streams; from now on everything goes to B.
    target = b.url;
    await a.close();
    apps.splice(apps.indexOf(a), 1);
    await waitFor(() => getsOnB.length > 0); // the client resumes its GET stream on B
    expect(getsOnB).toEqual([200]);

    await client.subscribeResource({ uri: 'watch://b' }); // a moved client re-subscribes
    await b.app.get(McpResourceSubscriptions).notifyUpdated('watch://b');
    await waitFor(() => updates.length === 2);
    expect({ updates, errors }).toEqual({ updates: ['watch://a', 'watch://b'], errors: [] });
  });
});
