import { describe, expect, it } from '@jest/globals';
import { jsonRpcResponsesIn } from './sse-responses.js';

describe('jsonRpcResponsesIn', () => {
  it('keeps results and errors in order, and leaves out notifications and priming events', () => {
    const sse = [
      'id: p1\nretry: 1000\ndata: \n\n',
      'event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n',
      'event: message\nid: e2\ndata: {"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"x"}}\n\n',
      'event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\n\n',
    ].join('');
    expect(jsonRpcResponsesIn(sse)).toEqual([
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'x' } },
      { jsonrpc: '2.0', id: 1, result: {} },
    ]);
  });

  it('finds nothing in a stream that carried no response', () => {
    expect(jsonRpcResponsesIn('')).toEqual([]);
  });
});
