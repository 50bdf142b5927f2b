import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import type { Server } from 'node:http';
import {
  InMemorySessionStore,
  McpSessionManager,
  OnSessionRestore,
  type SessionRecord,
} from '../lib/index.js';
import { callTool, handshake, toolText } from './fixtures/mcp-http.js';
import { RecordingLogger } from './fixtures/recording-logger.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

@Injectable()
class FailingWarmUp {
  @OnSessionRestore()
  warmCaches(): void {
    throw new Error('cache cluster unreachable');
  }
}

/** The in-memory store, which can be made to return any value for a session. */
class CorruptibleStore extends InMemorySessionStore {
  readonly raw = new Map<string, unknown>();
  override async load(sessionId: string): Promise<SessionRecord | undefined> {
    if (this.raw.has(sessionId)) return this.raw.get(sessionId) as SessionRecord;
    return super.load(sessionId);
  }
}

describe('what a restore logs when something is wrong', () => {
  let app: TestApp | undefined;
  afterEach(async () => app?.close());

  it('logs a failing @OnSessionRestore hook by name, session and error, and serves the request', async () => {
    const logger = new RecordingLogger();
    app = await createTestApp({}, { providers: [FailingWarmUp], logger });
    const http = app.app.getHttpServer() as Server;
    const sessionId = await handshake(http);
    expect(await app.app.get(McpSessionManager).evict(sessionId)).toBe(true);
    expect(logger.about(sessionId, 'error')).toEqual([]);

    const res = await callTool(http, sessionId, 'whoami');
    expect(res.status).toBe(200);
    expect(JSON.parse(toolText(res))).toMatchObject({ sessionId, restore: { reason: 'restore' } });
    // The other hooks still ran.
    expect(app.tools.restores.map((m) => m.sessionId)).toEqual([sessionId]);

    const logged = logger.about(sessionId, 'error');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('FailingWarmUp.warmCaches');
    expect(logged[0]).toMatch(/failed/);
    expect(logged[0]).toContain('serving the session anyway');
    expect(logged[0]).toContain('cache cluster unreachable');
  });

  it('logs a stored record that does not parse, naming the session and the problem, and answers 404', async () => {
    const logger = new RecordingLogger();
    const store = new CorruptibleStore();
    app = await createTestApp({ sessionStore: store }, { logger });
    const http = app.app.getHttpServer() as Server;
    const sessionId = await handshake(http);
    expect(await app.app.get(McpSessionManager).evict(sessionId)).toBe(true);
    const stored = (await store.load(sessionId))!;
    store.raw.set(sessionId, { ...stored, v: 99 });

    const res = await callTool(http, sessionId, 'echo', { text: 'x' }, { id: 6 });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      jsonrpc: '2.0',
      id: 6,
      error: { code: -32001, message: 'Session not found' },
    });
    expect(app.tools.restores).toEqual([]);

    const logged = logger.about(sessionId, 'warn');
    expect(logged).toHaveLength(1);
    // The problem: the record is unreadable, because of its version field `v`.
    expect(logged[0]).toContain(`unreadable record for session ${sessionId}: v: `);
  });
});
