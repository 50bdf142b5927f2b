import { describe, expect, it } from '@jest/globals';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Request } from 'express';
import type { Server } from 'node:http';
import request from 'supertest';
import { InMemorySessionStore, McpSessionManager, type SessionStore } from '../lib/index.js';
import { callTool, messagesOf, textOf } from './fixtures/mcp-http.js';
import { closedAfterEach, createTestApp } from './fixtures/test-app.js';

/** The app's authentication: puts the user named by `x-user` on `req.user`, as a guard would. */
@Injectable()
class UserFromHeader implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request & { user?: unknown }>();
    const name = req.headers['x-user'];
    if (typeof name === 'string') req.user = { id: name, displayName: `User ${name}` };
    return true;
  }
}

const as = (user?: string): Record<string, string> => (user ? { 'x-user': user } : {});

describe('default principal (req.user) binds a session to its user', () => {
  const { apps, clients } = closedAfterEach();

  const start = async (store: SessionStore) => {
    // No `principal` option: the module's default reads what the guard put on req.user.
    const app = await createTestApp(
      { sessionStore: store },
      { providers: [{ provide: APP_GUARD, useClass: UserFromHeader }] },
    );
    apps.push(app);
    return { app, http: app.app.getHttpServer() as Server };
  };

  /** `whoami` as `user`: the HTTP status, and what the tool saw when it ran. */
  const whoami = async (http: Server, sessionId: string, user?: string) => {
    const res = await callTool(http, sessionId, 'whoami', {}, { headers: as(user) });
    const result = res.status === 200 ? messagesOf(res.text)[0].result : undefined;
    return {
      status: res.status,
      body: res.body,
      seen: result && JSON.parse(result.content[0].text),
    };
  };

  it('answers 404 to another user and serves the owner, live, evicted and on a new instance', async () => {
    const store = new InMemorySessionStore();
    const a = await start(store);
    const alice = new Client({ name: 'principal-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(a.app.url, {
      requestInit: { headers: as('alice') },
    });
    await alice.connect(transport);
    clients.push(alice);
    const sessionId = transport.sessionId!;
    expect((await store.load(sessionId))?.principal).toBe('alice');

    // Live on A: bob and an anonymous request are told the session does not exist.
    for (const user of ['bob', undefined]) {
      const foreign = await whoami(a.http, sessionId, user);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toMatchObject({ error: { code: -32001, message: 'Session not found' } });
    }
    expect((await whoami(a.http, sessionId, 'alice')).seen).toMatchObject({
      sessionId,
      restore: null,
    });

    // Evicted from A's memory: bob's request does not restore it, alice's does.
    expect(await a.app.app.get(McpSessionManager).evict(sessionId)).toBe(true);
    expect((await whoami(a.http, sessionId, 'bob')).status).toBe(404);
    expect(a.app.tools.restores).toHaveLength(0);
    expect((await whoami(a.http, sessionId, 'alice')).seen).toMatchObject({
      sessionId,
      restore: { reason: 'restore' },
    });

    // A new instance on the same store: still alice's, for requests and for DELETE.
    const b = await start(store);
    expect((await whoami(b.http, sessionId, 'bob')).status).toBe(404);
    const bobDelete = await request(b.http)
      .delete('/mcp')
      .set('Mcp-Session-Id', sessionId)
      .set(as('bob'));
    expect(bobDelete.status).toBe(404);
    expect(b.app.tools.restores).toHaveLength(0);
    const restored = await whoami(b.http, sessionId, 'alice');
    expect(restored.status).toBe(200);
    expect(restored.seen).toMatchObject({ sessionId, restore: { reason: 'restore' } });
    expect(b.app.tools.restores.map((m) => m.record.principal)).toEqual(['alice']);
    expect((await whoami(b.http, sessionId, 'bob')).status).toBe(404);

    // And alice's own client, which carries her header, keeps working.
    const echoed = await alice.callTool({ name: 'echo', arguments: { text: 'still mine' } });
    expect(textOf(echoed)).toBe('still mine');
  });
});
