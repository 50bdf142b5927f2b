import { describe, expect, it } from '@jest/globals';
import {
  SESSION_RECORD_VERSION,
  type SessionRecord,
} from '../interfaces/session-record.interface.js';
import { InMemorySessionCodec } from './in-memory-session.codec.js';

const record = (sessionId: string, client = 'c', updatedAt = 2): SessionRecord => ({
  v: SESSION_RECORD_VERSION,
  sessionId,
  initializeParams: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: client, version: '1' },
  },
  protocolVersion: '2025-06-18',
  principal: 'alice',
  createdAt: 1,
  updatedAt,
});

describe('InMemorySessionCodec', () => {
  it('gives back the record it encoded, under the id it is asked for', () => {
    const codec = new InMemorySessionCodec();
    const saved = record('a');
    const entry = codec.decode(codec.encode(saved, 5_000));
    expect(entry).toMatchObject({ expiresAt: 5_000, deleted: false, createdAt: 1, updatedAt: 2 });
    expect(codec.toRecord('a', entry)).toEqual(saved);
    expect(codec.toRecord('b', entry)).toEqual({ ...saved, sessionId: 'b' });
  });

  it('encodes a tombstone as its expiry alone, which reads back as no record', () => {
    const codec = new InMemorySessionCodec();
    const tombstone = codec.tombstone(7_000);
    expect(tombstone).toBe('7000');
    const entry = codec.decode(tombstone);
    expect(entry).toEqual({ expiresAt: 7_000, deleted: true });
    expect(codec.toRecord('a', entry)).toBeUndefined();
  });

  it('keeps the shape of one client and user once, as the same pool index', () => {
    const codec = new InMemorySessionCodec();
    const first = codec.encode(record('a'), 5_000);
    const second = codec.encode(record('b', 'c', 3), 6_000);
    const other = codec.encode(record('c', 'another client'), 5_000);
    expect([first, second, other]).toEqual(['5000#1#2#0', '6000#1#3#0', '5000#1#2#1']);
  });

  it('embeds the shape as JSON once the pool is full', () => {
    const codec = new InMemorySessionCodec();
    const big = record('big', 'x'.repeat(1_000_001));
    const entry = codec.encode(big, 5_000);
    expect(entry.startsWith('5000#1#2#{')).toBe(true);
    expect(codec.toRecord('big', codec.decode(entry))).toEqual(big);
  });
});
