import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { McpHttpContexts } from './mcp-http-context.js';

const context = (name: string) => ({ request: { url: name } as Request, sessionId: 's' });

describe('McpHttpContexts', () => {
  it('finds the HTTP context of each request in a body, until detached', () => {
    const contexts = new McpHttpContexts();
    const first = context('first');
    const detach = contexts.attach(
      [
        { jsonrpc: '2.0', id: 1, method: 'tools/call' },
        { jsonrpc: '2.0', id: 'two', method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 3, result: {} },
      ],
      first,
    );
    expect(contexts.get(1)).toBe(first);
    expect(contexts.get('two')).toBe(first);
    expect(contexts.get(3)).toBeUndefined(); // a response, not a request
    detach();
    expect(contexts.get(1)).toBeUndefined();
  });

  it('does not detach a later request that reused the id', () => {
    const contexts = new McpHttpContexts();
    const detachOld = contexts.attach({ jsonrpc: '2.0', id: 7, method: 'ping' }, context('old'));
    const newer = context('newer');
    contexts.attach({ jsonrpc: '2.0', id: 7, method: 'ping' }, newer);
    detachOld();
    expect(contexts.get(7)).toBe(newer);
  });
});
