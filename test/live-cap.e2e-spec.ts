import { afterEach, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { McpSessionManager } from '../lib/index.js';
import { callTool, handshake, toolText } from './fixtures/mcp-http.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';
import { setTimeout as sleep } from 'node:timers/promises';

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
});
