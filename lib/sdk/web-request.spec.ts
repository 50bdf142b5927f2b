import { describe, expect, it } from '@jest/globals';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { WebRequest } from './web-request.js';

describe('WebRequest', () => {
  const request = new WebRequest({
    method: 'POST',
    url: 'http://localhost:3000/mcp?x=1',
    headers: { 'content-type': 'application/json', accept: 'a, b', 'x-multi': ['1', '2'] },
  });

  it('reads headers case-insensitively, joining repeated ones like Headers does', () => {
    expect(request.headers.get('Content-Type')).toBe('application/json');
    expect(request.headers.get('x-multi')).toBe('1, 2');
    expect(request.headers.get('missing')).toBeNull();
    expect(request.headers.has('ACCEPT')).toBe(true);
  });

  it('lists headers in name order, as Headers does', () => {
    expect(Object.fromEntries(request.headers.entries())).toEqual({
      accept: 'a, b',
      'content-type': 'application/json',
      'x-multi': '1, 2',
    });
  });

  it('reads as an empty body to a transport not handed the parsed one (a parse error)', async () => {
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
    });
    const post = new WebRequest({
      method: 'POST',
      url: 'http://localhost/mcp',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
    });
    const response = await transport.handleRequest(post.asRequest());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32700 } });
  });
});

describe('WebRequest overrides', () => {
  const headers = { accept: 'a', 'last-event-id': 'e-1' };
  const request = new WebRequest({
    method: 'GET',
    url: 'http://localhost/mcp',
    headers,
    overrides: { 'mcp-protocol-version': '2025-06-18', 'last-event-id': undefined },
  });

  it('shows overridden values, hides removed ones, and leaves the source untouched', () => {
    expect(request.headers.get('MCP-Protocol-Version')).toBe('2025-06-18');
    expect(request.headers.has('last-event-id')).toBe(false);
    expect(request.headers.get('accept')).toBe('a');
    expect(Object.fromEntries(request.headers.entries())).toEqual({
      accept: 'a',
      'mcp-protocol-version': '2025-06-18',
    });
    expect(headers).toEqual({ accept: 'a', 'last-event-id': 'e-1' });
  });
});
