import { afterEach, describe, expect, it } from '@jest/globals';
import { McpModule } from '../lib/index.js';
import { handshake, post } from './fixtures/mcp-http.js';
import { createTestApp, type TestApp } from './fixtures/test-app.js';

describe('two MCP endpoints in one app', () => {
  let app: TestApp | undefined;
  afterEach(async () => app?.close());

  it('serves both, and answers errors on either in JSON-RPC, body-parser errors included', async () => {
    app = await createTestApp(
      {},
      { imports: [McpModule.forRoot({ name: 'second', version: '1.0.0', path: '/second' })] },
    );
    const http = app.app.getHttpServer();
    for (const path of ['/mcp', '/second']) {
      await expect(handshake(http, path)).resolves.toEqual(expect.any(String));

      const malformed = await post(http, path, '{"jsonrpc": "2.0", "id": 1, "method": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    }
    // Any other route keeps Nest's own error answer.
    const other = await post(http, '/not-mcp', '{"jsonrpc": ');
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ statusCode: 400 });
    expect(other.body.jsonrpc).toBeUndefined();
  });
});
