import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServerProcess } from './fixtures/server-process.js';
import { textOf } from './fixtures/mcp-http.js';

describe('the sample survives a restart of its process (file-backed store, no server needed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-sample-'));
  const servers: ServerProcess[] = [];
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.kill()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the session and its notes across a stop and start of the sample', async () => {
    const env = { SESSION_FILE: join(dir, 'sessions.json'), REDIS_URL: '' };
    const port = await freePort();
    const first = await new ServerProcess(port, env).start();
    servers.push(first);
    // A newcomer's first screen: the default store starts without a warning.
    expect(first.output).toContain('MCP server on');
    expect(first.output).not.toMatch(/\bWARN\b|warning/i);

    const client = new Client({ name: 'restart-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(first.url);
    await client.connect(transport);
    const sessionId = transport.sessionId!;
    await client.callTool({ name: 'add_note', arguments: { text: 'buy milk' } });
    await client.close();
    await first.kill('SIGTERM');

    const second = await new ServerProcess(port, env).start();
    servers.push(second);
    expect(second.pid).not.toBe(first.pid);
    const resumed = new Client({ name: 'restart-test', version: '1.0.0' });
    await resumed.connect(new StreamableHTTPClientTransport(second.url, { sessionId }));
    const info = textOf(await resumed.callTool({ name: 'session_info', arguments: {} }));
    expect(info).toContain(`Session ${sessionId}, restored on this instance (restore)`);
    const notes = await resumed.callTool({ name: 'list_notes', arguments: {} });
    expect(notes.structuredContent).toEqual({ notes: ['buy milk'] });
    expect(second.output).toMatch(
      new RegExp(`Session ${sessionId} restored \\(restore\\) for restart-test 1.0.0`),
    );
    await resumed.close();
  });
});
