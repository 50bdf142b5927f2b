import { beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout } from 'node:timers/promises';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error.js';
import { GatedRestoreHook } from '../../test/fixtures/gated-restore-hook.js';
import {
  Hooks,
  params,
  useManagerHarness,
  type ControllableStore,
} from '../../test/fixtures/manager-harness.js';
import type { McpSessionManager } from './mcp-session.manager.js';

describe('McpSessionManager', () => {
  const harness = useManagerHarness();
  const boot = harness.boot;
  let store: ControllableStore;
  beforeEach(() => {
    store = harness.store;
  });

  it('restores a cold session once for many concurrent callers (single flight)', async () => {
    const a = await boot();
    const session = await a.manager.create(params);
    const b = await boot();
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const loadsBefore = store.loads;
    const waiting = Array.from({ length: 10 }, () => b.manager.get(session.id));
    open();
    const results = await Promise.all(waiting);
    expect(new Set(results.map((r) => r?.session)).size).toBe(1);
    expect(results.every((r) => r?.restore?.reason === 'restore')).toBe(true);
    expect(store.loads - loadsBefore).toBe(1);
    expect(b.hooks.markers).toHaveLength(1);
    expect(b.manager.isLive(session.id)).toBe(true);
  });

  it('serves the session when a restore hook throws', async () => {
    const a = await boot();
    const session = await a.manager.create(params);
    const b = await boot();
    const resolved = await b.manager.get(session.id);
    expect(resolved?.session.id).toBe(session.id);
    expect(resolved?.session.server.server.getClientCapabilities()).toEqual({ sampling: {} });
  });

  it('does not revive a session deleted while its restore was in flight', async () => {
    const a = await boot();
    const session = await a.manager.create(params);
    const b = await boot();
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    const restoring = b.manager.get(session.id);
    store.gate = undefined;
    // The delete goes through B itself, while B's restore still holds the old record.
    const terminated = b.manager.terminate(session.id);
    open();
    expect(await terminated).toBe(true);
    expect(await restoring).toBeUndefined();
    expect(b.manager.isLive(session.id)).toBe(false);
    expect(await b.manager.get(session.id)).toBeUndefined();
    expect(await a.manager.get(session.id)).toBeDefined(); // A still holds it live ...
    expect(await store.load(session.id)).toBeUndefined(); // ... but no instance can restore it
  });

  /** Deletes a session while `pending` (its restore or re-initialize) waits, then lets it go on. */
  async function expectDeletedMeanwhile(
    manager: McpSessionManager,
    sessionId: string,
    pending: Promise<unknown>,
    proceed: () => void,
  ) {
    expect(await manager.terminate(sessionId)).toBe(true);
    proceed();
    expect(await pending).toBeUndefined();
    expect(manager.isLive(sessionId)).toBe(false);
    expect(await manager.get(sessionId)).toBeUndefined();
  }

  it('does not revive a session deleted while its restore hooks ran', async () => {
    const a = await boot();
    const session = await a.manager.create(params);
    const b = await boot({}, [Hooks, GatedRestoreHook]);
    const hook = b.app.get(GatedRestoreHook);
    const restoring = b.manager.get(session.id);
    await hook.entered;
    await expectDeletedMeanwhile(b.manager, session.id, restoring, () => hook.release());
  });

  it('does not revive a session deleted while it was re-initialized', async () => {
    const a = await boot();
    const session = await a.manager.create(params);
    let open!: () => void;
    store.saveGate = new Promise((resolve) => (open = resolve));
    const reinitializing = a.manager.reinitialize(session.id, params);
    await setTimeout(5); // loaded, now saving
    store.saveGate = undefined;
    await expectDeletedMeanwhile(a.manager, session.id, reinitializing, open);
  });

  it('re-initializes one session at a time for concurrent re-initializes of an id', async () => {
    const a = await boot();
    const session = await a.manager.create(params);
    const results = await Promise.all([
      a.manager.reinitialize(session.id, params),
      a.manager.reinitialize(session.id, params),
    ]);
    const [first, second] = results.map((r) => r?.session);
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(first).not.toBe(second);
    expect(first?.server.isConnected()).toBe(false); // replaced, and closed
    expect(second?.server.isConnected()).toBe(true);
    expect(a.manager.liveCount).toBe(1);
  });

  it.each([
    ['garbage', 'not a record'],
    ['an unknown version', { v: 99, sessionId: 'x' }],
    ['a record of another session', 'other'],
  ])('treats %s as an unknown session', async (_label, value) => {
    const a = await boot();
    const session = await a.manager.create(params);
    const stored = await store.load(session.id);
    store.raw.set(session.id, value === 'other' ? { ...stored, sessionId: 'someone-else' } : value);
    const b = await boot();
    expect(await b.manager.get(session.id)).toBeUndefined();
  });

  it('reports a failing store as unavailable, never as an unknown session', async () => {
    const { manager } = await boot();
    store.down = true;
    await expect(manager.get('5f0c9a4e-1111-4111-8111-111111111111')).rejects.toBeInstanceOf(
      SessionStoreUnavailableError,
    );
    await expect(manager.create(params)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
  });

  it('hides a session from another principal and changes nothing', async () => {
    const a = await boot();
    const session = await a.manager.create(params, 'alice');
    const before = await store.load(session.id);
    expect(await a.manager.get(session.id, 'mallory')).toBeUndefined();
    expect(await a.manager.terminate(session.id, 'mallory')).toBe(false);
    expect(await a.manager.reinitialize(session.id, params, 'mallory')).toBeUndefined();
    expect(await store.load(session.id)).toEqual(before);
    expect((await a.manager.get(session.id, 'alice'))?.session.id).toBe(session.id);
  });

  it("does not touch the store for another principal's request on a live session", async () => {
    // No periodic sweep during the test, and any check refreshes the stored TTL.
    const a = await boot({ revalidateIntervalMs: 60_000, ttlRefreshFraction: 0.001 });
    const session = await a.manager.create(params, 'alice');
    a.live.get(session.id)!.checkedAt = 0; // due for a check against the store
    const before = await store.load(session.id);
    const loads = store.loads;
    await setTimeout(5);
    expect(await a.manager.get(session.id, 'mallory')).toBeUndefined();
    expect(store.loads).toBe(loads);
    expect(await store.load(session.id)).toEqual(before);
  });

  it('re-initializes a stored session in place with new params', async () => {
    const a = await boot();
    const session = await a.manager.create(params, 'alice');
    const b = await boot();
    const next = { ...params, clientInfo: { name: 'unit', version: '2.0.0' } };
    const resolved = await b.manager.reinitialize(session.id, next, 'alice');
    expect(resolved?.session.id).toBe(session.id);
    expect(resolved?.restore).toMatchObject({
      reason: 'reinitialize',
      clientInfo: next.clientInfo,
    });
    expect(b.hooks.markers.map((m) => m.reason)).toEqual(['reinitialize']);
    expect((await store.load(session.id))?.initializeParams.clientInfo.version).toBe('2.0.0');
  });
});
