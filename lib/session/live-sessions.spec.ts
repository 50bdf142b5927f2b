import { beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout } from 'node:timers/promises';
import {
  params,
  useManagerHarness,
  type ControllableStore,
} from '../../test/fixtures/manager-harness.js';

describe('LiveSessions', () => {
  const harness = useManagerHarness();
  const boot = harness.boot;
  let store: ControllableStore;
  beforeEach(() => {
    store = harness.store;
  });

  it('never evicts a live session while its store check is under way', async () => {
    const { manager } = await boot({ maxLiveSessions: 1, revalidateIntervalMs: 20 });
    const first = await manager.create(params);
    await setTimeout(60); // its check is now due
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const pending = manager.get(first.id);
    await manager.create(params); // over the cap: evicts the least recently used idle session
    open();
    expect((await pending)?.session).toBe(first);
    expect((await manager.get(first.id))?.session).toBe(first);
  });

  it('runs one round of periodic work at a time, however slow the store', async () => {
    const { manager, live } = await boot({ revalidateIntervalMs: 20 });
    const session = await manager.create(params);
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    store.loads = 0;
    // Used all along, so every round would check it; rounds start every 10 ms.
    const use = setInterval(() => (live.get(session.id)!.lastActivity = Date.now()), 2);
    await setTimeout(100);
    clearInterval(use);
    expect(store.loads).toBe(1);
    open();
  });

  it('stores a new logging level on the current stored record, not on a stale live copy', async () => {
    const a = await boot();
    const session = await a.manager.create(params, 'alice');
    // Another instance re-initializes the session meanwhile.
    const b = await boot();
    const next = { ...params, clientInfo: { name: 'unit', version: '2.0.0' } };
    await b.manager.reinitialize(session.id, next, 'alice');

    session.channel.emit('loggingLevelChanged', 'debug');
    let stored = await store.load(session.id);
    for (let tries = 0; stored?.loggingLevel !== 'debug' && tries < 100; tries++) {
      await setTimeout(5);
      stored = await store.load(session.id);
    }
    expect(stored?.loggingLevel).toBe('debug');
    expect(stored?.initializeParams.clientInfo.version).toBe('2.0.0');
  });

  it('never evicts a session between its lookup and the acquire of the request that looked it up', async () => {
    const { manager } = await boot({ maxLiveSessions: 1 });
    const first = await manager.create(params);
    const lookup = manager.get(first.id);
    await manager.create(params); // over the cap: evicts the least recently used idle session
    const resolved = await lookup;
    expect(resolved?.session).toBe(first);
    manager.acquire(first)();
    expect(manager.isLive(first.id)).toBe(true);
    expect(first.server.isConnected()).toBe(true);
  });

  it('goes back under the live cap once what kept it over is released', async () => {
    const { manager } = await boot({ maxLiveSessions: 1 });
    const first = await manager.create(params);
    const releaseFirst = manager.acquire(first);
    const second = await manager.create(params);
    const releaseSecond = manager.acquire(second);
    await setTimeout(5);
    expect(manager.liveCount).toBe(2); // both in flight
    releaseFirst();
    expect(manager.liveCount).toBe(1);
    expect(manager.isLive(second.id)).toBe(true);
    await setTimeout(5);
    expect(first.server.isConnected()).toBe(false);
    releaseSecond();
    expect(manager.isLive(second.id)).toBe(true);
  });

  it('drains at once when only a stream is open (no request awaits an answer), then closes', async () => {
    const { manager, live } = await boot();
    const session = await manager.create(params);
    manager.acquire(session); // an open GET stream
    const started = Date.now();
    await live.drain(10_000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(manager.shuttingDown).toBe(true);
    expect(manager.isLive(session.id)).toBe(false);
    expect(session.server.isConnected()).toBe(false);
  });
});
