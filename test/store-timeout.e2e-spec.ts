import { afterEach, describe, expect, it } from '@jest/globals';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemorySessionStore, McpSessionManager, type SessionRecord } from '../lib/index.js';
import { callTool, handshake, initializeRequest, post, toolText } from './fixtures/mcp-http.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

/** Far longer than the module's `storeTimeoutMs` below. */
const STALL_MS = 5000;

/** The in-memory store, whose calls answer only after STALL_MS while `stalled` is set. */
class StallingStore extends InMemorySessionStore {
  stalled = false;

  private async stall(): Promise<void> {
    if (this.stalled) await sleep(STALL_MS, undefined, { ref: false });
  }

  override async load(sessionId: string): Promise<SessionRecord | undefined> {
    await this.stall();
    return super.load(sessionId);
  }

  override async save(record: SessionRecord, ttlMs: number): Promise<void> {
    await this.stall();
    return super.save(record, ttlMs);
  }
}

const unavailable = (id: number) => ({
  jsonrpc: '2.0',
  id,
  error: { code: -32000, message: expect.stringMatching(/unavailable/i) },
});

describe('a session store slower than storeTimeoutMs', () => {
  let app: TestApp | undefined;
  afterEach(async () => app?.close());

  it('answers 503 with Retry-After and a JSON-RPC error, for a restore and for a new session', async () => {
    const store = new StallingStore();
    app = await createTestApp({ sessionStore: store, storeTimeoutMs: 200 });
    const http = app.app.getHttpServer() as Server;
    const sessionId = await handshake(http);
    // Not live any more: its next request needs the store.
    expect(await app.app.get(McpSessionManager).evict(sessionId)).toBe(true);

    store.stalled = true;
    const restore = await callTool(http, sessionId, 'echo', { text: 'x' }, { id: 3 });
    expect(restore.status).toBe(503);
    expect(restore.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(restore.body).toEqual(unavailable(3));

    const fresh = await post(http, '/mcp', initializeRequest(4));
    expect(fresh.status).toBe(503);
    expect(fresh.headers['retry-after']).toMatch(/^[1-9][0-9]*$/);
    expect(fresh.body).toEqual(unavailable(4));
    expect(fresh.headers['mcp-session-id']).toBeUndefined();

    // An outage, not a lost session: once the store answers in time, it is served again.
    store.stalled = false;
    const served = await callTool(http, sessionId, 'echo', { text: 'back' });
    expect(served.status).toBe(200);
    expect(toolText(served)).toBe('back');
  });
});
