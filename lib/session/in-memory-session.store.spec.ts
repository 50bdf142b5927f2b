import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { sessionRecord } from '../../test/fixtures/session-record.js';
import { InMemorySessionStore } from './in-memory-session.store.js';

const record = (sessionId: string) => sessionRecord(sessionId);

describe('InMemorySessionStore', () => {
  const store = new InMemorySessionStore();
  afterEach(() => {
    jest.useRealTimers();
  });

  it('returns a copy of what was saved', async () => {
    const saved = record('a');
    await store.save(saved, 60_000);
    const loaded = await store.load('a');
    expect(loaded).toEqual(saved);
    loaded!.protocolVersion = 'changed';
    expect((await store.load('a'))!.protocolVersion).toBe('2025-06-18');
  });

  it('expires a record after its TTL, and a save renews it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    await store.save(record('b'), 1000);
    jest.setSystemTime(1_000_900);
    expect(await store.load('b')).toBeDefined();
    await store.save(record('b'), 1000);
    jest.setSystemTime(1_001_800);
    expect(await store.load('b')).toBeDefined();
    jest.setSystemTime(1_002_000);
    expect(await store.load('b')).toBeUndefined();
  });

  it('keeps a deleted session deleted even if a late save arrives', async () => {
    await store.save(record('c'), 60_000);
    await store.delete('c', 60_000);
    expect(await store.load('c')).toBeUndefined();
    await store.save(record('c'), 60_000);
    expect(await store.load('c')).toBeUndefined();
  });

  it('returns undefined for unknown ids', async () => {
    expect(await store.load('unknown')).toBeUndefined();
    await expect(store.delete('unknown', 1000)).resolves.toBeUndefined();
  });
});
