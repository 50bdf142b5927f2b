import { describe, expect, it } from '@jest/globals';
import { jsonAnswerOf, jsonRpcResponsesIn } from './sse-json.answer.js';

const event = (data: string, id?: string) =>
  `event: message\n${id ? `id: ${id}\n` : ''}data: ${data}\n\n`;

const sseHeaders = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'mcp-session-id': 'abc',
};

describe('jsonRpcResponsesIn', () => {
  it('keeps results and errors in order, and leaves out notifications and priming events', () => {
    const sse = [
      'id: p1\nretry: 1000\ndata: \n\n',
      event('{"jsonrpc":"2.0","method":"notifications/progress","params":{}}'),
      event('{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"x"}}', 'e2'),
      event('{"jsonrpc":"2.0","id":1,"result":{}}'),
    ].join('');
    const responses = jsonRpcResponsesIn(sse);
    expect(responses.map(({ json }) => JSON.parse(json))).toEqual(responses.map((r) => r.message));
    expect(responses.map(({ message }) => message)).toEqual([
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'x' } },
      { jsonrpc: '2.0', id: 1, result: {} },
    ]);
  });
});

describe('jsonAnswerOf', () => {
  it('answers one response as itself, keeping the session id and dropping SSE headers', () => {
    const answer = jsonAnswerOf(event('{"jsonrpc":"2.0","id":1,"result":{}}'), 200, sseHeaders);
    expect(answer).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'mcp-session-id': 'abc' },
      body: '{"jsonrpc":"2.0","id":1,"result":{}}',
    });
  });

  it('answers a batch with the array of its responses', () => {
    const sse =
      event('{"jsonrpc":"2.0","id":"b","result":{}}') +
      event('{"jsonrpc":"2.0","method":"notifications/message","params":{}}') +
      event('{"jsonrpc":"2.0","id":"a","result":{}}');
    expect(JSON.parse(jsonAnswerOf(sse, 200, sseHeaders).body)).toEqual([
      { jsonrpc: '2.0', id: 'b', result: {} },
      { jsonrpc: '2.0', id: 'a', result: {} },
    ]);
  });

  it('answers 500 with a JSON-RPC error when the stream ended without a response', () => {
    const answer = jsonAnswerOf('', 200, sseHeaders);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32603 },
      id: null,
    });
  });
});
