import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Server } from 'node:http';
import request from 'supertest';
import { McpSessionManager, Tool } from '../lib/index.js';
import { CountingStore } from './fixtures/counting-store.js';
import { deferred } from './fixtures/deferred.js';
import {
  callTool,
  handshake,
  initializeRequest,
  messagesOf,
  post,
  textOf,
  toolText,
} from './fixtures/mcp-http.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { CallCounter } from './fixtures/test-tools.provider.js';
import { waitFor } from './fixtures/wait-for.js';
import { GatedRestoreHook } from './fixtures/gated-restore-hook.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** A tool that answers once the test releases it. */
@Injectable()
class HeldTools {
  private gate = deferred();
  started = 0;

  /** Lets every call started so far answer. */
  release(): void {
    this.gate.resolve();
    this.gate = deferred();
  }

  @Tool({ description: 'Answers once the test releases it' })
  async held(): Promise<string> {
    this.started++;
    await this.gate.promise;
    return 'released';
  }
}

const UNKNOWN_ID = '0b6d1c6e-2222-4000-8000-000000000000';
const invalidRequest = (message: string, id: string | number | null) => ({
  jsonrpc: '2.0',
  id,
  error: { code: -32600, message },
});
/** Sends a request now, rather than when awaited. */
const sending = (test: ReturnType<typeof post>) => test.buffer(true).then((r) => r);
const heldCall = (id: number) => ({ ...echoCall(id, ''), params: { name: 'held' } });
const echoCall = (id: number, text: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text } },
});

describe('protocol edges', () => {
  const store = new CountingStore();
  let app: TestApp;
  let http: Server;
  let held: HeldTools;

  beforeAll(async () => {
    // No background sweep within a test: the store's counts are the requests' own.
    const options = { sessionStore: store, revalidateIntervalMs: 60_000 };
    app = await createTestApp(options, { providers: [HeldTools] });
    http = app.app.getHttpServer();
    held = app.app.get(HeldTools);
  });
  afterAll(() => app.close());

  it('answers an empty batch with 400 Invalid Request before any session lookup', async () => {
    const live = await handshake(http);
    const before = store.total;
    for (const sessionId of [undefined, live, UNKNOWN_ID]) {
      const res = await post(http, '/mcp', [], sessionId);
      expect({ sessionId, status: res.status, body: res.body }).toEqual({
        sessionId,
        status: 400,
        body: invalidRequest('Invalid Request: empty batch', null),
      });
    }
    expect(store.total).toBe(before);
  });

  it('refuses a batch that repeats a request id, and serves one that does not', async () => {
    const sessionId = await handshake(http);
    const repeated = await post(http, '/mcp', [echoCall(3, 'a'), echoCall(3, 'b')], sessionId);
    expect(repeated.status).toBe(400);
    expect(repeated.body).toEqual(
      invalidRequest('Invalid Request: id 3 is used by more than one request in the batch', 3),
    );

    const distinct = await post(
      http,
      '/mcp',
      [echoCall(3, 'a'), echoCall(4, 'b'), { jsonrpc: '2.0', method: 'notifications/initialized' }],
      sessionId,
    ).buffer(true);
    expect(distinct.status).toBe(200);
    const answers = messagesOf(distinct.text).map((m) => [m.id, m.result.content[0].text]);
    expect(answers.sort()).toEqual([
      [3, 'a'],
      [4, 'b'],
    ]);
  });

  it('answers HEAD with 405 and Allow, without a body or a session lookup', async () => {
    const live = await handshake(http);
    const evicted = await handshake(http);
    await app.app.get(McpSessionManager).evict(evicted);
    const before = store.total;
    for (const sessionId of [undefined, live, evicted, UNKNOWN_ID]) {
      let head = request(http).head('/mcp').set('Accept', 'text/event-stream');
      if (sessionId) head = head.set('Mcp-Session-Id', sessionId);
      const res = await head;
      expect({
        sessionId,
        status: res.status,
        allow: res.headers.allow,
        text: res.text ?? '',
      }).toEqual({ sessionId, status: 405, allow: 'GET, POST, DELETE', text: '' });
    }
    // The evicted session was not restored to answer it.
    expect(store.total).toBe(before);
  });

  it('refuses a request whose id is in flight on its session; the first completes', async () => {
    const sessionId = await handshake(http);
    const other = await handshake(http);
    const counter = app.app.get(CallCounter);
    const startedBefore = held.started;
    const first = sending(post(http, '/mcp', heldCall(7), sessionId));
    await waitFor(() => held.started === startedBefore + 1);

    const calls = counter.calls;
    const reused = await post(http, '/mcp', echoCall(7, 'second'), sessionId);
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual(
      invalidRequest(
        'Invalid Request: id 7 is already in use by a request in flight on this session',
        7,
      ),
    );
    const inBatch = await post(http, '/mcp', [echoCall(8, 'x'), echoCall(7, 'y')], sessionId);
    expect(inBatch.status).toBe(400);
    expect(inBatch.body.id).toBe(7);
    expect(counter.calls).toBe(calls); // neither reached the tool

    // Not refused: a response (its id is one of the server's), a notification, and the
    // same id on another session.
    const response = await post(http, '/mcp', { jsonrpc: '2.0', id: 7, result: {} }, sessionId);
    expect(response.status).toBe(202);
    const notification = { jsonrpc: '2.0', method: 'notifications/initialized' };
    expect((await post(http, '/mcp', notification, sessionId)).status).toBe(202);
    const onOther = await callTool(http, other, 'echo', { text: 'other' }, { id: 7 });
    expect(toolText(onOther)).toBe('other');

    held.release();
    const answered = await first;
    expect(answered.status).toBe(200);
    expect(messagesOf(answered.text).find((m) => 'result' in m)?.id).toBe(7);
    expect(toolText(answered)).toBe('released');
    // Answered, the id is free again.
    const again = await callTool(http, sessionId, 'echo', { text: 'again' }, { id: 7 });
    expect(toolText(again)).toBe('again');
  });

  it('takes a session header sent twice with one id as that id, and refuses two ids', async () => {
    const sessionId = await handshake(http);
    const twice = `${sessionId}, ${sessionId}`;
    expect(toolText(await callTool(http, twice, 'echo', { text: 'twice' }))).toBe('twice');
    const stream = new AbortController();
    const get = await fetch(app.url, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': twice },
      signal: stream.signal,
    });
    stream.abort();
    expect(get.status).toBe(200);

    const other = await handshake(http);
    const saves = store.calls.save;
    for (const conflicting of [`${sessionId}, ${other}`, `${sessionId}, ${UNKNOWN_ID}`]) {
      const list = { jsonrpc: '2.0', id: 5, method: 'tools/list' };
      const answers = [
        await post(http, '/mcp', list, conflicting),
        await post(http, '/mcp', initializeRequest(6), conflicting),
        await request(http).get('/mcp').set('Mcp-Session-Id', conflicting),
        await request(http).delete('/mcp').set('Mcp-Session-Id', conflicting),
      ];
      expect(answers.map((r) => [r.status, r.body.error.code, r.body.id])).toEqual([
        [400, -32000, 5],
        [400, -32000, 6],
        [400, -32000, null],
        [400, -32000, null],
      ]);
      expect(answers[0].body.error.message).toBe(
        'Bad Request: Mcp-Session-Id header names more than one session id',
      );
      expect(answers[1].headers['mcp-session-id']).toBeUndefined();
    }
    expect(store.calls.save).toBe(saves); // no session was created or re-initialized

    const del = await request(http).delete('/mcp').set('Mcp-Session-Id', twice);
    expect(del.status).toBe(200);
  });
});

describe('two requests with one id at once, on a session being restored', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({}, { providers: [HeldTools, GatedRestoreHook] });
  });
  afterAll(() => app.close());

  it('answers one and refuses the other', async () => {
    const http = app.app.getHttpServer() as Server;
    const held = app.app.get(HeldTools);
    const hook = app.app.get(GatedRestoreHook);
    const sessionId = await handshake(http);
    await app.app.get(McpSessionManager).evict(sessionId);
    const sent = [0, 1].map(() => sending(post(http, '/mcp', heldCall(9), sessionId)));
    // Both wait for the one restore, then go on in the same turn of the event loop.
    await hook.entered;
    await sleep(200);
    hook.release();
    const refused = await Promise.race(sent);
    expect({ status: refused.status, id: refused.body.id }).toEqual({ status: 400, id: 9 });
    await waitFor(() => held.started === 1);
    held.release();
    const answers = await Promise.all(sent);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(toolText(answers.find((r) => r.status === 200)!)).toBe('released');
  });
});

describe('resume examples of the README, with the official client after a restart', () => {
  const store = new CountingStore();
  const apps: TestApp[] = [];
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(apps.map((a) => a.close()));
  });

  async function connected(transport: StreamableHTTPClientTransport) {
    const client = new Client({ name: 'resume-client', version: '1.0.0' });
    clients.push(client);
    await client.connect(transport);
    return client;
  }

  /** Stops the running app (its clients first) and starts a new one on the same store. */
  async function restart(): Promise<TestApp> {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(apps.splice(0).map((a) => a.close()));
    const app = await createTestApp({ sessionStore: store });
    apps.push(app);
    return app;
  }

  it('resumes by the sessionId option, and by a header in either case', async () => {
    let app = await restart();
    const first = new StreamableHTTPClientTransport(app.url);
    await connected(first);
    const sessionId = first.sessionId!;

    app = await restart();
    const byOption = await connected(new StreamableHTTPClientTransport(app.url, { sessionId }));
    const echoed = await byOption.callTool({ name: 'echo', arguments: { text: 'resumed' } });
    expect(textOf(echoed)).toBe('resumed');

    for (const name of ['mcp-session-id', 'Mcp-Session-Id']) {
      app = await restart();
      const sent: Array<string | null> = [];
      const byHeader = new StreamableHTTPClientTransport(app.url, {
        requestInit: { headers: { [name]: sessionId } },
        fetch: (url, init) => {
          sent.push(new Headers(init?.headers).get('mcp-session-id'));
          return fetch(url, init);
        },
      });
      const client = await connected(byHeader);
      const seen = JSON.parse(textOf(await client.callTool({ name: 'whoami', arguments: {} })));
      expect({ name, served: seen.sessionId, kept: byHeader.sessionId }).toEqual({
        name,
        served: sessionId,
        kept: sessionId,
      });
      // Capitalized, it is a second header beside the client's own, joined by Node.
      expect(sent.includes(`${sessionId}, ${sessionId}`)).toBe(name === 'Mcp-Session-Id');
    }
  });
});
