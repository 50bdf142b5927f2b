import { describe, expect, it } from '@jest/globals';
import { WebRequest } from './web-request.js';

describe('WebRequest', () => {
  const request = new WebRequest({
    method: 'POST',
    url: 'http://localhost:3000/mcp?x=1',
    headers: { 'content-type': 'application/json', accept: 'a, b', 'x-multi': ['1', '2'] },
    body: { jsonrpc: '2.0', id: 1, method: 'ping' },
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
    expect([...request.headers.keys()]).toEqual(['accept', 'content-type', 'x-multi']);
  });

  it('gives the parsed body back, and clones into a real Request', async () => {
    expect(await request.json()).toEqual({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const clone = request.clone();
    expect(clone).toBeInstanceOf(Request);
    expect(clone.method).toBe('POST');
    expect(new URL(clone.url).pathname).toBe('/mcp');
    expect(clone.headers.get('accept')).toBe('a, b');
    expect(await clone.json()).toEqual({ jsonrpc: '2.0', id: 1, method: 'ping' });
  });
});
