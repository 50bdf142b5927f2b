import { describe, expect, it } from '@jest/globals';
import { resolveMcpOptions } from '../mcp-options.resolver.js';
import { deferred } from '../../test/fixtures/deferred.js';
import { sessionRecord } from '../../test/fixtures/session-record.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import { InMemorySessionStore } from '../stores/in-memory-session.store.js';
import type { LiveSession } from './live-session.cache.js';
import { SessionRecordRepository } from './session-record.repository.js';
import { SessionRevalidator } from './session.revalidator.js';

class CountingStore extends InMemorySessionStore {
  loadManyCalls = 0;
  override async loadMany(ids: string[]) {
    this.loadManyCalls++;
    return super.loadMany(ids);
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

const record = (sessionId: string, updatedAt = Date.now()) => sessionRecord(sessionId, updatedAt);

const staleSession = (id: string) =>
  ({
    id,
    record: record(id),
    checkedAt: 0,
    lastActivity: Date.now(),
    inFlight: 0,
  }) as unknown as LiveSession;

async function setup(storeTimeoutMs = 2000) {
  const store = new CountingStore();
  const options = resolveMcpOptions({
    name: 'n',
    version: '1',
    sessionTtlMs: 10_000,
    storeTimeoutMs,
  });
  const gone: string[] = [];
  const revalidator = new SessionRevalidator(
    new SessionRecordRepository(store, options),
    options,
    async (s) => {
      gone.push(s.id);
    },
  );
  return { store, revalidator, gone };
}

describe('SessionRevalidator', () => {
  it('checks stale sessions of one event-loop turn with a single loadMany', async () => {
    const { store, revalidator, gone } = await setup();
    const sessions = ['a', 'b', 'c', 'd'].map(staleSession);
    for (const s of sessions.slice(0, 3)) await store.save(s.record, 10_000);
    const results = await Promise.all(sessions.map((s) => revalidator.isCurrent(s)));
    expect(results).toEqual([true, true, true, false]);
    expect(store.loadManyCalls).toBe(1);
    expect(gone).toEqual(['d']);
    // Now verified: no store call until the interval passes again.
    await Promise.all(sessions.slice(0, 3).map((s) => revalidator.isCurrent(s)));
    expect(store.loadManyCalls).toBe(1);
  });

  it('serves a live session unverified while the store is down', async () => {
    const { store, revalidator, gone } = await setup();
    store.loadMany = async () => {
      throw new Error('down');
    };
    expect(await revalidator.isCurrent(staleSession('x'))).toBe(true);
    expect(gone).toEqual([]);
  });

  it.each(['read', 'TTL refresh'])(
    'once a check failed (a %s), serves without waiting for the store, asking once per interval',
    async (failing) => {
      // A store timeout longer than the test: a request that waited for the store would hang.
      const { store, revalidator, gone } = await setup(600_000);
      const load = store.loadMany.bind(store);
      let calls = 0;
      let answer: (ids: string[]) => Promise<Array<SessionRecord | undefined>> = async (ids) => {
        if (failing === 'read') throw new Error('connection refused');
        return load(ids);
      };
      store.loadMany = (ids) => {
        calls++;
        return answer(ids);
      };
      const first = staleSession('first');
      if (failing === 'TTL refresh') {
        await store.save(record('first', Date.now() - 5_000), 10_000); // its refresh is due
        store.save = async () => {
          throw new Error('connection refused');
        };
      }
      expect(await revalidator.isCurrent(first)).toBe(true);
      expect(calls).toBe(1);
      // The failed check counts: not asked again about this session within the interval.
      expect(await revalidator.isCurrent(first)).toBe(true);
      expect(calls).toBe(1);

      // The store hangs now; a due session is served all the same, its check left running.
      const hung = deferred();
      answer = async (ids) => {
        await hung.promise;
        return load(ids);
      };
      try {
        expect(await revalidator.isCurrent(staleSession('second'))).toBe(true);
        await nextTurn(); // checks of one turn start together, after it
        expect(calls).toBe(2);
      } finally {
        hung.resolve();
      }

      // It answers again: the check left running finds what was deleted, and the next due
      // check is waited for again.
      await nextTurn();
      expect(gone).toEqual(['second']);
      expect(await revalidator.isCurrent(staleSession('third'))).toBe(false);
    },
  );

  it('refreshes the stored TTL of active sessions only once the refresh fraction has passed', async () => {
    const { store, revalidator } = await setup();
    const fresh = staleSession('fresh');
    const old = staleSession('old');
    old.record = record('old', Date.now() - 5_000); // beyond 0.25 × 10 s
    await store.save(fresh.record, 10_000);
    await store.save(old.record, 10_000);
    await revalidator.sweep([fresh, old]);
    expect((await store.load('fresh'))!.updatedAt).toBe(fresh.record.updatedAt);
    expect((await store.load('old'))!.updatedAt).toBeGreaterThan(Date.now() - 1_000);
  });
});
