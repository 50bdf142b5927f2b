import { afterEach, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { EventSourceMessage } from 'eventsource-parser/stream';
import {
  InMemoryEventStore,
  MCP_EVENT_STORE,
  McpResourceSubscriptions,
  McpSessionManager,
} from '../lib/index.js';
import { ResumableProvider } from './fixtures/resumable.provider.js';
import { messageOf, RawMcpClient, SseReader } from './fixtures/sse-client.js';
import { textOf } from './fixtures/mcp-http.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** Reads events until the response to `id` arrives. */
async function readUntilResponse(sse: SseReader, id: number): Promise<EventSourceMessage[]> {
  const events: EventSourceMessage[] = [];
  for (;;) {
    const event = await sse.next(3000);
    if (!event) throw new Error(`no response to ${id}; got ${JSON.stringify(events)}`);
    events.push(event);
    if (messageOf(event)?.id === id) return events;
  }
}

const progressOf = (events: EventSourceMessage[]) =>
  events
    .map(messageOf)
    .filter((m) => m?.method === 'notifications/progress')
    .map((m) => m!.params.progress);

/** The official client, with every HTTP request it sends recorded: method and Last-Event-ID. */
async function recordingClient(url: URL) {
  const requests: Array<{ method: string; lastEventId: string | null }> = [];
  const transport = new StreamableHTTPClientTransport(url, {
    fetch: (input, init) => {
      requests.push({
        method: init?.method ?? 'GET',
        lastEventId: new Headers(init?.headers).get('last-event-id'),
      });
      return fetch(input, init);
    },
  });
  const client = new Client({ name: 'polling-client', version: '1.0.0' });
  await client.connect(transport);
  return { client, requests };
}

describe('resumable SSE streams', () => {
  let app: TestApp;
  afterEach(async () => app?.close());

  const start = async (options = {}) => {
    app = await createTestApp(options, { providers: [ResumableProvider] });
    return app;
  };

  it('primes a 2025-11-25 stream with an event id and a retry hint', async () => {
    await start({ sseRetryMs: 1500 });
    const client = await new RawMcpClient(app.url).connect();
    const { response } = await client.request('ping', {});
    const sse = new SseReader(response);
    const priming = await sse.next();
    expect(priming?.id).toBeTruthy();
    expect(priming?.data).toBe('');
    expect(sse.retry).toEqual([1500]);
    expect(messageOf((await sse.next())!)).toMatchObject({ result: {} });
  });

  it('replays what a client missed after dropping the stream mid-tool, exactly once', async () => {
    await start();
    const client = await new RawMcpClient(app.url).connect();
    const abort = new AbortController();
    const { id, response } = await client.request(
      'tools/call',
      { name: 'slow', arguments: { n: 6, ms: 80 }, _meta: { progressToken: 'p' } },
      abort.signal,
    );
    const first = new SseReader(response);
    const seen: EventSourceMessage[] = [];
    while (progressOf(seen).length < 2) seen.push((await first.next())!);
    abort.abort();
    await first.cancel();
    const lastEventId = seen[seen.length - 1].id!;

    // The tool goes on while the client is away; reconnect while it still runs.
    await sleep(200);
    const resumed = await client.get(lastEventId);
    expect(resumed.status).toBe(200);
    const rest = await readUntilResponse(new SseReader(resumed), id);

    expect(progressOf(seen)).toEqual([1, 2]);
    expect(progressOf(rest)).toEqual([3, 4, 5, 6]);
    expect(messageOf(rest[rest.length - 1])).toMatchObject({
      id,
      result: { content: [{ type: 'text', text: 'done after 6' }] },
    });
    const ids = [...seen, ...rest].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('replays a response that completed while the client was away', async () => {
    await start();
    const client = await new RawMcpClient(app.url).connect();
    const abort = new AbortController();
    const { id, response } = await client.request(
      'tools/call',
      { name: 'slow', arguments: { n: 3, ms: 50 }, _meta: { progressToken: 'p' } },
      abort.signal,
    );
    const first = new SseReader(response);
    const priming = (await first.next())!;
    abort.abort();
    await first.cancel();
    await sleep(400);
    const replay = new SseReader(await client.get(priming.id));
    const events = await readUntilResponse(replay, id);
    expect(progressOf(events)).toEqual([1, 2, 3]);
    expect(await replay.drain(200)).toEqual([]);
  });

  it('resumes a stream of a session evicted from memory and restored from the store', async () => {
    await start();
    const client = await new RawMcpClient(app.url).connect();
    const abort = new AbortController();
    const { id, response } = await client.request(
      'tools/call',
      { name: 'slow', arguments: { n: 2, ms: 50 }, _meta: { progressToken: 'p' } },
      abort.signal,
    );
    const first = new SseReader(response);
    const priming = (await first.next())!;
    abort.abort();
    await first.cancel();
    await sleep(300);
    expect(await app.app.get(McpSessionManager).evict(client.sessionId)).toBe(true);

    const replay = new SseReader(await client.get(priming.id));
    const events = await readUntilResponse(replay, id);
    expect(progressOf(events)).toEqual([1, 2]);
    await replay.cancel();
  });

  it('keeps sessions apart, on request streams and on the standalone GET stream', async () => {
    await start();
    const a = await new RawMcpClient(app.url).connect();
    const b = await new RawMcpClient(app.url).connect();
    await (await a.request('resources/subscribe', { uri: 'watch://a' })).response.text();
    await (await b.request('resources/subscribe', { uri: 'watch://b' })).response.text();
    const subscriptions = app.app.get(McpResourceSubscriptions);

    // Both standalone streams (both named `_GET_stream` by the SDK) get one event each.
    const aborts = [new AbortController(), new AbortController()];
    const aGet = new SseReader(await a.get(undefined, aborts[0].signal));
    const bGet = new SseReader(await b.get(undefined, aborts[1].signal));
    await sleep(50);
    await subscriptions.notifyUpdated('watch://a');
    await subscriptions.notifyUpdated('watch://b');
    const aLast = (await aGet.next())!;
    const bLast = (await bGet.next())!;
    expect(messageOf(aLast)?.params).toEqual({ uri: 'watch://a' });
    expect(messageOf(bLast)?.params).toEqual({ uri: 'watch://b' });
    aborts.forEach((abort) => abort.abort());
    await Promise.all([aGet.cancel(), bGet.cancel()]);
    await sleep(100);

    // Missed while disconnected: two updates for a, one for b.
    await subscriptions.notifyUpdated('watch://a');
    await subscriptions.notifyUpdated('watch://b');
    await subscriptions.notifyUpdated('watch://a');

    const bMissed = await new SseReader(await b.get(bLast.id)).drain();
    expect(bMissed.map((e) => messageOf(e)?.params)).toEqual([{ uri: 'watch://b' }]);
    const aMissed = await new SseReader(await a.get(aLast.id)).drain();
    expect(aMissed.map((e) => messageOf(e)?.params)).toEqual([
      { uri: 'watch://a' },
      { uri: 'watch://a' },
    ]);

    // An event id of another session replays nothing of it: b does not hold it, so it
    // asks for a fresh standalone stream, and b's own is still open.
    const stolen = await b.get(aLast.id);
    expect(stolen.status).toBe(409);
    expect(await stolen.text()).not.toContain('watch://a');
  });

  it('leaves no events behind when a session is restored by replaying initialize', async () => {
    await start();
    const store = app.app.get<InMemoryEventStore>(MCP_EVENT_STORE);
    const client = await new RawMcpClient(app.url).connect();
    const before = store.size;
    expect(await app.app.get(McpSessionManager).evict(client.sessionId)).toBe(true);

    const { response } = await client.request('ping', {});
    const events = await new SseReader(response).drain(200);
    // The ping's priming event and response, and nothing of the replayed initialize.
    expect(events.map(messageOf)).toEqual([undefined, expect.objectContaining({ result: {} })]);
    expect(store.size).toBe(before + 2);
  });

  it('discards the events of a session ended with DELETE, and only those', async () => {
    await start();
    const store = app.app.get<InMemoryEventStore>(MCP_EVENT_STORE);
    const client = await new RawMcpClient(app.url).connect();
    const other = await new RawMcpClient(app.url).connect();
    const [mine] = await new SseReader((await client.request('ping', {})).response).drain(200);
    const [theirs] = await new SseReader((await other.request('ping', {})).response).drain(200);
    const before = store.size;

    const ended = await fetch(app.url, { method: 'DELETE', headers: client.headers() });
    expect(ended.status).toBe(200);
    expect(store.size).toBeLessThan(before);
    expect(await store.getStreamIdForEventId(client.sessionId, mine.id!)).toBeUndefined();
    const kept = await other.get(theirs.id);
    expect(kept.status).toBe(200);
    await kept.body?.cancel();
  });

  it('ctx.closeSSEStream() closes the stream mid-call; the SDK client resumes it with Last-Event-ID and gets the result', async () => {
    await start({ sseRetryMs: 20 });
    const { client, requests } = await recordingClient(app.url);
    try {
      const before = requests.length;
      const result = await client.callTool({ name: 'poll', arguments: {} });
      expect(textOf(result)).toBe('answered after the stream closed');
      expect(app.app.get(ResumableProvider).closes).toEqual([true]);
      const after = requests.slice(before);
      expect(after[0]).toEqual({ method: 'POST', lastEventId: null });
      expect(after.filter((r) => r.lastEventId !== null)).toEqual([
        { method: 'GET', lastEventId: expect.any(String) },
      ]);
    } finally {
      await client.close();
    }
  });

  it('ctx.closeSSEStream() returns false and leaves the stream open when the client cannot resume', async () => {
    await start({ eventStore: false });
    const { client, requests } = await recordingClient(app.url);
    try {
      const result = await client.callTool({ name: 'poll', arguments: {} });
      expect(textOf(result)).toBe('answered after the stream closed');
      expect(app.app.get(ResumableProvider).closes).toEqual([false]);
      expect(requests.filter((r) => r.lastEventId !== null)).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('can be turned off with eventStore: false', async () => {
    await start({ eventStore: false });
    expect(app.app.get(MCP_EVENT_STORE)).toBeNull();
    const client = await new RawMcpClient(app.url).connect();
    const { response } = await client.request('ping', {});
    const events = await new SseReader(response).drain(200);
    expect(events).toHaveLength(1);
    expect(events[0].id).toBeUndefined();
  });

  it('takes a store given as an instance or as a class to build', async () => {
    const given = new InMemoryEventStore({ maxEvents: 5 });
    await start({ eventStore: given });
    expect(app.app.get(MCP_EVENT_STORE)).toBe(given);
    await app.close();
    given.onModuleDestroy();

    await start({ eventStore: InMemoryEventStore });
    expect(app.app.get(MCP_EVENT_STORE)).toBeInstanceOf(InMemoryEventStore);
    const client = await new RawMcpClient(app.url).connect();
    const { response } = await client.request('ping', {});
    const [priming] = await new SseReader(response).drain(200);
    expect(app.app.get<InMemoryEventStore>(MCP_EVENT_STORE).size).toBeGreaterThan(0);
    expect(priming.id).toBeTruthy();
  });
});
