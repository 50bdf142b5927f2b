import { afterEach, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemorySessionStore } from '../lib/index.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

describe('smoke', () => {
  const apps: TestApp[] = [];
  afterEach(async () => Promise.all(apps.splice(0).map((a) => a.close())));

  it('restores', async () => {
    const store = new InMemorySessionStore();
    const a = await createTestApp({ sessionStore: store });
    apps.push(a);
    const client = new Client({ name: 'c', version: '1' });
    const t = new StreamableHTTPClientTransport(a.url);
    await client.connect(t);
    const r = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(r.content).toEqual([{ type: 'text', text: 'hi' }]);
    const sid = t.sessionId!;
    await a.close();
    apps.pop();
    const b = await createTestApp({ sessionStore: store });
    apps.push(b);
    const c2 = new Client({ name: 'c', version: '1' });
    const t2 = new StreamableHTTPClientTransport(b.url, { sessionId: sid });
    await c2.connect(t2);
    const r2 = await c2.callTool({ name: 'whoami', arguments: {} });
    console.log(JSON.stringify(r2), b.tools.restores);
  });
});
