import { afterEach, describe, expect, it, jest } from '@jest/globals';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryEventStore } from './in-memory-event.store.js';

const note = (n: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: 't', progress: n },
});

async function replay(store: InMemoryEventStore, sessionId: string, lastEventId: string) {
  const sent: Array<[string, JSONRPCMessage]> = [];
  const streamId = await store.replayEventsAfter(sessionId, lastEventId, async (id, message) => {
    sent.push([id, message]);
  });
  return {
    streamId,
    progress: sent.map(
      ([, m]) => (m as unknown as { params: { progress: number } }).params.progress,
    ),
  };
}

describe('InMemoryEventStore', () => {
  const stores: InMemoryEventStore[] = [];
  const create = (options = {}) => {
    const store = new InMemoryEventStore(options);
    stores.push(store);
    return store;
  };
  afterEach(() => {
    stores.splice(0).forEach((s) => s.onModuleDestroy());
    jest.useRealTimers();
  });

  it('replays the events of one stream after a cursor, skipping priming events', async () => {
    const store = create();
    const priming = await store.storeEvent('s1', 'stream', {} as JSONRPCMessage);
    await store.storeEvent('s1', 'stream', note(1));
    await store.storeEvent('s1', 'other', note(99));
    const second = await store.storeEvent('s1', 'stream', note(2));
    await store.storeEvent('s1', 'stream', note(3));
    expect(await replay(store, 's1', priming)).toEqual({ streamId: 'stream', progress: [1, 2, 3] });
    expect(await replay(store, 's1', second)).toEqual({ streamId: 'stream', progress: [3] });
  });

  it('never resolves an event id of another session, even for a same-named stream', async () => {
    const store = create();
    const a = await store.storeEvent('a', '_GET_stream', note(1));
    await store.storeEvent('a', '_GET_stream', note(2));
    await store.storeEvent('b', '_GET_stream', note(3));
    expect(await store.getStreamIdForEventId('b', a)).toBeUndefined();
    expect(await replay(store, 'b', a)).toEqual({ streamId: undefined, progress: [] });
    expect(await replay(store, 'a', a)).toEqual({ streamId: '_GET_stream', progress: [2] });
  });

  it('keeps the streams of a session apart as it gains and loses them', async () => {
    const store = create({ maxEvents: 3 });
    const first = await store.storeEvent('s', 'one', note(1));
    await store.storeEvent('s', 'two', note(2));
    await store.storeEvent('s', 'one', note(3));
    // The bound drops stream one's first event, then all of stream two's.
    await store.storeEvent('s', 'three', note(4));
    await store.storeEvent('s', 'three', note(5));
    expect(await store.getStreamIdForEventId('s', first)).toBeUndefined();
    expect(store.size).toBe(3);
    // Stream two comes back empty-handed but for its new event.
    const back = await store.storeEvent('s', 'two', note(6));
    expect(await store.getStreamIdForEventId('s', back)).toBe('two');
    expect(await replay(store, 's', back)).toEqual({ streamId: 'two', progress: [] });
    const later = await store.storeEvent('s', 'three', note(7));
    expect(await store.getStreamIdForEventId('s', later)).toBe('three');
    await store.deleteSession('s');
    expect(store.size).toBe(0);
    const again = await store.storeEvent('s', 'one', note(8));
    await store.storeEvent('s', 'one', note(9));
    expect(await replay(store, 's', again)).toEqual({ streamId: 'one', progress: [9] });
  });

  it('keeps at most maxEventsPerStream events per stream', async () => {
    const store = create({ maxEventsPerStream: 3 });
    const ids: string[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await store.storeEvent('s', 'x', note(n)));
    expect(store.size).toBe(3);
    expect(await store.getStreamIdForEventId('s', ids[1])).toBeUndefined();
    expect(await replay(store, 's', ids[2])).toEqual({ streamId: 'x', progress: [4, 5] });
  });

  it('drops events older than maxAgeMs', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const store = create({ maxAgeMs: 1000 });
    const old = await store.storeEvent('s', 'x', note(1));
    jest.setSystemTime(1_000_500);
    const mid = await store.storeEvent('s', 'x', note(2));
    jest.setSystemTime(1_001_200);
    await store.storeEvent('s', 'x', note(3));
    expect(await store.getStreamIdForEventId('s', old)).toBeUndefined();
    expect(await replay(store, 's', mid)).toEqual({ streamId: 'x', progress: [3] });
    // The periodic sweep drops what nothing writes to any more.
    jest.advanceTimersByTime(60_000);
    expect(store.size).toBe(0);
  });

  it('forgets every event of a deleted session, and only those', async () => {
    const store = create();
    const a = await store.storeEvent('a', 'x', note(1));
    await store.storeEvent('a', 'y', note(2));
    const b = await store.storeEvent('b', 'x', note(3));
    await store.deleteSession('a');
    expect(store.size).toBe(1);
    expect(await store.getStreamIdForEventId('a', a)).toBeUndefined();
    expect(await store.getStreamIdForEventId('b', b)).toBe('x');
  });

  it('bounds the events kept across all sessions, dropping the oldest first', async () => {
    const store = create({ maxEvents: 3 });
    const first = await store.storeEvent('a', 'x', note(1));
    await store.storeEvent('b', 'y', note(2));
    const third = await store.storeEvent('a', 'x', note(3));
    await store.storeEvent('c', 'z', note(4));
    expect(store.size).toBe(3);
    expect(await store.getStreamIdForEventId('a', first)).toBeUndefined();
    expect((await replay(store, 'a', third)).progress).toEqual([]);
    await store.storeEvent('c', 'z', note(5));
    await store.storeEvent('c', 'z', note(6));
    expect(await store.getStreamIdForEventId('b', third)).toBeUndefined();
    expect(await store.getStreamIdForEventId('a', third)).toBeUndefined();
    expect(store.size).toBe(3);
  });

  it('still drops the oldest kept event after many sessions came and went', async () => {
    const store = create({ maxEvents: 2 });
    const kept = await store.storeEvent('keep', 'x', note(1));
    for (let n = 0; n < 3000; n++) {
      await store.storeEvent(`gone-${n}`, 'x', note(n));
      await store.deleteSession(`gone-${n}`);
    }
    expect(store.size).toBe(1);
    const second = await store.storeEvent('keep', 'x', note(2));
    const third = await store.storeEvent('keep', 'x', note(3));
    expect(store.size).toBe(2);
    expect(await store.getStreamIdForEventId('keep', kept)).toBeUndefined();
    expect(await replay(store, 'keep', second)).toEqual({ streamId: 'x', progress: [3] });
    expect(await store.getStreamIdForEventId('keep', third)).toBe('x');
  });
});
