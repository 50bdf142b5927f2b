import { afterEach, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { Injectable } from '@nestjs/common';
import { McpSessionManager, Tool, type McpRequestContext } from '../lib/index.js';
import { callTool, handshake, toolText } from './fixtures/mcp-http.js';
import { messageOf, RawMcpClient, SseReader } from './fixtures/sse-client.js';
import { deferred } from './fixtures/deferred.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** A tool that runs until the test lets it answer. */
@Injectable()
class GatedTools {
  private readonly begun = deferred();
  private readonly gate = deferred();
  /** Resolves when a call has started. */
  readonly started = this.begun.promise;

  finish(): void {
    this.gate.resolve();
  }

  @Tool({ description: 'Closes its SSE stream for the client to poll, then waits' })
  async pollLater(_args: unknown, ctx: McpRequestContext): Promise<string> {
    ctx.closeSSEStream();
    this.begun.resolve();
    await this.gate.promise;
    return 'done';
  }

  @Tool({ description: 'Waits' })
  async waitForGate(): Promise<string> {
    this.begun.resolve();
    await this.gate.promise;
    return 'done';
  }
}

/** Opens the standalone GET SSE stream of a session and keeps it open until aborted. */
async function openStream(url: URL, sessionId: string): Promise<AbortController> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', 'mcp-session-id': sessionId },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  return abort;
}

async function whoami(http: Server, sessionId: string) {
  const res = await callTool(http, sessionId, 'whoami');
  expect(res.status).toBe(200);
  return JSON.parse(toolText(res));
}

describe('live-session cap and idle eviction', () => {
  const apps: TestApp[] = [];
  const streams: AbortController[] = [];
  afterEach(async () => {
    streams.splice(0).forEach((s) => s.abort());
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });

  /** An app with a cap of one live session, and a client with a session on it. */
  async function startGated() {
    const app = await createTestApp({ maxLiveSessions: 1 }, { providers: [GatedTools] });
    apps.push(app);
    const tools = app.app.get(GatedTools);
    const client = await new RawMcpClient(app.url).connect();
    return { app, tools, manager: app.app.get(McpSessionManager), client };
  }

  it('keeps at most maxLiveSessions live, evicting the least recently used, which stay resumable', async () => {
    const app = await createTestApp({ maxLiveSessions: 3 });
    apps.push(app);
    const http = app.app.getHttpServer() as Server;
    const manager = app.app.get(McpSessionManager);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await handshake(http));
    expect(manager.liveCount).toBe(3);
    expect(ids.map((id) => manager.isLive(id))).toEqual([false, false, true, true, true]);

    expect((await whoami(http, ids[0])).restore).toMatchObject({ reason: 'restore' });
    expect(manager.liveCount).toBe(3);
    expect(manager.isLive(ids[0])).toBe(true);
    expect(manager.isLive(ids[2])).toBe(false); // now the least recently used
  });

  it('never evicts a session with a stream open, and evicts idle ones after idleTimeoutMs', async () => {
    const app = await createTestApp({ maxLiveSessions: 2, idleTimeoutMs: 300 });
    apps.push(app);
    const http = app.app.getHttpServer() as Server;
    const manager = app.app.get(McpSessionManager);
    const streaming = await handshake(http);
    streams.push(await openStream(app.url, streaming));
    const others: string[] = [];
    for (let i = 0; i < 3; i++) others.push(await handshake(http));
    expect(manager.isLive(streaming)).toBe(true);
    expect(manager.liveCount).toBe(2);

    await sleep(900);
    expect(manager.isLive(streaming)).toBe(true);
    expect(others.some((id) => manager.isLive(id))).toBe(false);

    streams.splice(0).forEach((s) => s.abort());
    await sleep(900);
    expect(manager.isLive(streaming)).toBe(false);
    expect((await whoami(http, streaming)).restore).toMatchObject({ reason: 'restore' });
  });

  it('keeps a session live while a request runs after its HTTP exchange ended, so its answer can be resumed', async () => {
    const { app, tools, manager, client } = await startGated();
    const { id, response } = await client.request('tools/call', { name: 'pollLater' });
    const cursor = (await new SseReader(response).drain(100)).find((e) => e.id)?.id;
    await tools.started;
    expect(cursor).toBeDefined();

    const other = await handshake(app.app.getHttpServer() as Server); // over the cap of 1
    expect(manager.isLive(client.sessionId)).toBe(true);
    expect(manager.isLive(other)).toBe(false);

    tools.finish();
    const resumed = new SseReader(await client.get(cursor));
    const answer = (await resumed.drain(300)).map(messageOf).find((m) => m?.id === id);
    await resumed.cancel();
    expect(answer?.result.content[0].text).toBe('done');
  });

  it('lets a session go once the client cancels a request that still runs', async () => {
    const { app, tools, manager, client } = await startGated();
    const abort = new AbortController();
    const { id } = await client.request('tools/call', { name: 'waitForGate' }, abort.signal);
    await tools.started;
    abort.abort();
    const cancel = { requestId: id, reason: 'user gave up' };
    await client.post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: cancel });
    await sleep(20);

    await handshake(app.app.getHttpServer() as Server);
    expect(manager.isLive(client.sessionId)).toBe(false);
    tools.finish();
  });
});
