import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout } from 'node:timers/promises';
import { Injectable, Logger, type INestApplicationContext, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OnSessionRestore } from '../decorators/on-session-restore.decorator.js';
import type { McpModuleOptions } from '../interfaces/mcp-module-options.interface.js';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionRestoreMarker } from '../interfaces/session-restore-marker.interface.js';
import { McpModule } from '../mcp.module.js';
import { GatedRestoreHook } from '../../test/fixtures/gated-restore-hook.js';
import { InMemorySessionStore } from './in-memory-session.store.js';
import { McpSessionManager } from './mcp-session.manager.js';
import { SessionStoreUnavailableError } from './session-store-unavailable.error.js';

const params = {
  protocolVersion: '2025-06-18',
  capabilities: { sampling: {} },
  clientInfo: { name: 'unit', version: '1.0.0' },
};

/** The in-memory store, with loads and saves that can be held back and a switch to fail. */
class ControllableStore extends InMemorySessionStore {
  loads = 0;
  gate?: Promise<void>;
  saveGate?: Promise<void>;
  down = false;
  raw = new Map<string, unknown>();

  override async load(sessionId: string): Promise<SessionRecord | undefined> {
    this.loads++;
    if (this.down) throw new Error('connection refused');
    await this.gate;
    if (this.raw.has(sessionId)) return this.raw.get(sessionId) as SessionRecord;
    return super.load(sessionId);
  }

  override async save(record: SessionRecord, ttlMs: number): Promise<void> {
    if (this.down) throw new Error('connection refused');
    await this.saveGate;
    return super.save(record, ttlMs);
  }
}

@Injectable()
class Hooks {
  markers: SessionRestoreMarker[] = [];

  @OnSessionRestore()
  record(marker: SessionRestoreMarker) {
    this.markers.push(marker);
  }

  @OnSessionRestore()
  explode() {
    throw new Error('hook failure');
  }
}

describe('McpSessionManager', () => {
  let store: ControllableStore;
  let apps: INestApplicationContext[];

  const boot = async (options: Partial<McpModuleOptions> = {}, providers: Type[] = [Hooks]) => {
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'unit', version: '1', sessionStore: store, ...options })],
      providers,
    }).compile();
    moduleRef.useLogger(false);
    const app = await moduleRef.init();
    apps.push(app);
    return { app, manager: app.get(McpSessionManager), hooks: app.get(Hooks) };
  };

  beforeEach(() => {
    store = new ControllableStore();
    apps = [];
    Logger.overrideLogger(false);
  });
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    Logger.overrideLogger(['log', 'error', 'warn']);
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
    session.checkedAt = 0; // due for a check against the store
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
    const { manager } = await boot({ revalidateIntervalMs: 20 });
    const session = await manager.create(params);
    let open!: () => void;
    store.gate = new Promise((resolve) => (open = resolve));
    store.loads = 0;
    // Used all along, so every round would check it; rounds start every 10 ms.
    const use = setInterval(() => (session.lastActivity = Date.now()), 2);
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

    session.onLoggingLevelChange?.('debug');
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
});
