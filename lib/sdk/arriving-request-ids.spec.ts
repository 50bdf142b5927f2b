import { describe, expect, it } from '@jest/globals';
import { ArrivingRequestIds } from './arriving-request-ids.js';

describe('ArrivingRequestIds', () => {
  it('holds the request ids of a body until released, and only once each', () => {
    const arriving = new ArrivingRequestIds();
    const first = arriving.hold([
      { jsonrpc: '2.0', id: 1, method: 'tools/call' },
      { jsonrpc: '2.0', method: 'notifications/progress' },
      { jsonrpc: '2.0', id: 'a', method: 'ping' },
    ]);
    expect(first).toEqual([1, 'a']);
    expect(arriving.has(1)).toBe(true);
    // A second hand-over of id 1 does not hold it again, so releasing it leaves the first.
    expect(arriving.hold({ jsonrpc: '2.0', id: 1, method: 'ping' })).toEqual([]);
    arriving.release(first);
    expect(arriving.has(1)).toBe(false);
    expect(arriving.has('a')).toBe(false);
  });

  it('holds nothing for a GET (no body)', () => {
    expect(new ArrivingRequestIds().hold(undefined)).toEqual([]);
  });
});
