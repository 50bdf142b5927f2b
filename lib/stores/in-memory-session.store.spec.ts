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

  it('returns every record as saved, whether its params are shared, distinct or beyond the pool', async () => {
    const store = new InMemorySessionStore();
    const saved = Array.from({ length: 700 }, (_, i) => {
      const base = record(`p${i}`);
      // Two client builds that the other sessions share, then ~5,000-character
      // params of their own, more than the pool's 1,000,000 characters hold.
      const name = i % 3 === 2 ? `client-${i}-${'x'.repeat(5_000)}` : `client-${i % 3}`;
      return {
        ...base,
        initializeParams: { ...base.initializeParams, clientInfo: { name, version: '1' } },
        principal: i % 2 ? `user-${i}` : undefined,
        loggingLevel: i % 5 ? undefined : ('debug' as const),
      };
    });
    for (const r of saved) await store.save(r, 60_000);
    for (const r of saved) {
      expect(await store.load(r.sessionId)).toEqual(JSON.parse(JSON.stringify(r)));
    }
    store.onModuleDestroy();
  });
});
