import { afterAll, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import request from 'supertest';
import {
  callTool,
  initializeRequest,
  messagesOf,
  post,
  sendInitialized,
  textOf,
} from './fixtures/mcp-http.js';
import { describeWithRedis, REDIS_URL, uniqueNamespace } from './fixtures/redis.js';
import { freePort, ServerProcess } from './fixtures/server-process.js';
import { setTimeout as sleep } from 'node:timers/promises';

async function resume(url: URL, sessionId: string): Promise<Client> {
  const client = new Client({ name: 'multi-instance-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(url, { sessionId }));
  return client;
}

describeWithRedis('two sample processes sharing one Redis', () => {
  const env = { REDIS_URL: REDIS_URL!, CACHE_NAMESPACE: uniqueNamespace() };
  const servers: ServerProcess[] = [];
  const clients: Client[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all(servers.map((s) => s.kill()));
  });

  it('moves a session between processes, survives SIGKILL, and a DELETE on one is a 404 on the other', async () => {
    const a = await new ServerProcess(await freePort(), env).start();
    const b = await new ServerProcess(await freePort(), env).start();
    servers.push(a, b);

    const onA = new Client({ name: 'multi-instance-test', version: '1.0.0' });
    const transportA = new StreamableHTTPClientTransport(a.url);
    await onA.connect(transportA);
    clients.push(onA);
    const sessionId = transportA.sessionId!;
    await onA.callTool({ name: 'add_note', arguments: { text: 'written on A' } });

    const onB = await resume(b.url, sessionId);
    clients.push(onB);
    expect(textOf(await onB.callTool({ name: 'session_info', arguments: {} }))).toContain(
      `restored on this instance (restore)`,
    );
    await onB.callTool({ name: 'add_note', arguments: { text: 'written on B' } });
    expect((await onB.callTool({ name: 'list_notes', arguments: {} })).structuredContent).toEqual({
      notes: ['written on A', 'written on B'],
    });

    await a.kill('SIGKILL');
    const a2 = await new ServerProcess(a.port, env).start();
    servers.push(a2);
    const onA2 = await resume(a2.url, sessionId);
    clients.push(onA2);
    const info = textOf(await onA2.callTool({ name: 'session_info', arguments: {} }));
    expect(info).toContain(`Session ${sessionId}, restored on this instance (restore)`);
    expect(info).toContain(`process ${a2.pid}`);
    expect((await onA2.callTool({ name: 'list_notes', arguments: {} })).structuredContent).toEqual({
      notes: ['written on A', 'written on B'],
    });

    const del = await request(b.url.origin).delete('/mcp').set('Mcp-Session-Id', sessionId);
    expect(del.status).toBe(200);
    await sleep(1100); // the default bound for other instances to learn of a delete is 1 s
    const after = await post(
      a2.url.origin,
      '/mcp',
      { jsonrpc: '2.0', id: 9, method: 'tools/list' },
      sessionId,
    );
    expect(after.status).toBe(404);
    expect(after.body).toMatchObject({ id: 9, error: { code: -32001 } });
  });

  it('re-initializes in place when initialize carries the old id on another process (openai-agents-python)', async () => {
    const a = await new ServerProcess(await freePort(), env).start();
    const b = await new ServerProcess(await freePort(), env).start();
    servers.push(a, b);
    const init = await post(a.url.origin, '/mcp', initializeRequest(1, 'openai-agents')).buffer(
      true,
    );
    const sessionId = init.headers['mcp-session-id'];
    expect(sessionId).toBeDefined();

    const again = await post(
      b.url.origin,
      '/mcp',
      initializeRequest(1, 'openai-agents'),
      sessionId,
    ).buffer(true);
    expect(again.status).toBe(200);
    expect(again.headers['mcp-session-id']).toBe(sessionId);
    const initialized = await sendInitialized(b.url.origin, sessionId);
    expect(initialized.status).toBe(202);
    const call = await callTool(b.url.origin, sessionId, 'session_info', {}, { id: 2 });
    // The session is live on B since the re-initialize, which B's hook logged.
    expect(messagesOf(call.text)[0].result.content[0].text).toContain(
      `Session ${sessionId}, live on this instance, served by process ${b.pid}`,
    );
    expect(b.output).toMatch(
      new RegExp(`Session ${sessionId} restored \\(reinitialize\\) for openai-agents`),
    );
  });
});
