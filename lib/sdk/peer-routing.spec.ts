import { describe, expect, it } from '@jest/globals';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { ForeignMessage } from './instance-request-ids.js';
import { PeerRouting } from './peer-routing.js';

const routing = (instanceId: string) => {
  const forwarded: ForeignMessage[] = [];
  const peers = new PeerRouting(instanceId, async (foreign) => {
    forwarded.push(foreign);
  });
  return { peers, forwarded };
};

describe('PeerRouting', () => {
  it('gives the requests this instance sends ids no other instance uses, cancellations too', () => {
    const { peers } = routing('AAAAAAAA');
    const other = routing('BBBBBBBB').peers;
    const request: JSONRPCMessage = { jsonrpc: '2.0', id: 0, method: 'elicitation/create' };
    expect(peers.outgoing(request)).toMatchObject({ id: 'AAAAAAAA.0' });
    expect(other.outgoing(request)).toMatchObject({ id: 'BBBBBBBB.0' });
    const cancel: JSONRPCMessage = {
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 3 },
    };
    expect(peers.outgoing(cancel)).toMatchObject({ params: { requestId: 'AAAAAAAA.3' } });
    // Responses and other notifications go out as they are.
    const response: JSONRPCMessage = { jsonrpc: '2.0', id: 7, result: {} };
    expect(peers.outgoing(response)).toBe(response);
  });

  it("keeps its own answers with the SDK's ids, and hands the others' to them", async () => {
    const { peers, forwarded } = routing('AAAAAAAA');
    const mine = { jsonrpc: '2.0', id: 'AAAAAAAA.4', result: { action: 'accept' } };
    const theirs = { jsonrpc: '2.0', id: 'BBBBBBBB.1', result: {} };
    const request = { jsonrpc: '2.0', id: 'AAAAAAAA.9', method: 'tools/call' };
    const rest = peers.route([mine, theirs, request], () => false);
    expect(rest).toEqual([{ ...mine, id: 4 }, request]); // a client's request id is its own
    expect(forwarded).toEqual([{ instanceId: 'BBBBBBBB', message: theirs }]);
    expect(peers.route(theirs, () => false)).toBeUndefined();
  });

  it('sends a cancellation of a request not running here to every instance, and keeps it', async () => {
    const { peers, forwarded } = routing('AAAAAAAA');
    const cancel = (requestId: number) => ({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId },
    });
    expect(peers.route(cancel(1), (id) => id === 1)).toEqual(cancel(1));
    expect(forwarded).toEqual([]);
    expect(peers.route(cancel(2), (id) => id === 1)).toEqual(cancel(2));
    expect(forwarded).toEqual([{ message: cancel(2) }]);
  });

  it('passes a body with nothing to hand over through as it is', () => {
    const { peers, forwarded } = routing('AAAAAAAA');
    const request = { jsonrpc: '2.0', id: 1, method: 'tools/call' };
    expect(peers.route(request, () => false)).toBe(request);
    expect(forwarded).toEqual([]);
  });

  it('hands over what another instance sent it with the SDK id', () => {
    const { peers } = routing('AAAAAAAA');
    expect(peers.incoming({ jsonrpc: '2.0', id: 'AAAAAAAA.12', result: {} })).toEqual({
      jsonrpc: '2.0',
      id: 12,
      result: {},
    });
  });
});
