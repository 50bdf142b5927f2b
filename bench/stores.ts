import { createKeyv } from '@keyv/redis';
import { createClient as createRedisClient } from '@redis/client';
import { CACHE_MANAGER, CacheModule } from '@nestjs/cache-manager';
import type { DynamicModule } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import {
  CacheManagerSessionStore,
  McpModule,
  type McpModuleOptions,
  type SessionRecord,
  type SessionStore,
} from '../lib/index.js';
import type { StoreCounts } from './common.js';

/**
 * Wraps a store and counts its round trips (a `loadMany` is one round trip, however
 * many ids it carries).
 */
export class CountingStore implements SessionStore {
  readonly counts: StoreCounts = { load: 0, loadMany: 0, save: 0, delete: 0 };
  readonly loadMany?: (sessionIds: string[]) => Promise<Array<SessionRecord | undefined>>;

  constructor(readonly inner: SessionStore) {
    const innerLoadMany = (inner as Partial<Pick<CountingStore, 'loadMany'>>).loadMany;
    if (innerLoadMany) {
      this.loadMany = (sessionIds) => {
        this.counts.loadMany++;
        return innerLoadMany.call(inner, sessionIds);
      };
    }
  }

  load(sessionId: string): Promise<SessionRecord | undefined> {
    this.counts.load++;
    return this.inner.load(sessionId);
  }

  save(record: SessionRecord, ttlMs: number): Promise<void> {
    this.counts.save++;
    return this.inner.save(record, ttlMs);
  }

  delete(sessionId: string, ttlMs: number): Promise<void> {
    this.counts.delete++;
    return (this.inner.delete as (id: string, ttl: number) => Promise<void>)(sessionId, ttlMs);
  }

  take(reset: boolean): StoreCounts {
    const snapshot = { ...this.counts };
    if (reset) this.counts.load = this.counts.loadMany = this.counts.save = this.counts.delete = 0;
    return snapshot;
  }
}

const TOMBSTONE = 'deleted:';

/**
 * A minimal Redis session store over `@keyv/redis`, straight on Keyv (the module's
 * `CacheManagerSessionStore` adds cache-manager on top of the same). A delete leaves a tombstone, so a late save cannot
 * revive the session; `load` reads record and tombstone in one round trip.
 */
export class KeyvRedisSessionStore implements SessionStore {
  private readonly keyv;

  constructor(url: string, namespace: string) {
    this.keyv = createKeyv(url, { namespace });
  }

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const [record, tombstone] = await this.keyv.getMany<unknown>([
      sessionId,
      TOMBSTONE + sessionId,
    ]);
    return tombstone || !record ? undefined : (record as SessionRecord);
  }

  async loadMany(sessionIds: string[]): Promise<Array<SessionRecord | undefined>> {
    if (sessionIds.length === 0) return [];
    const values = await this.keyv.getMany<unknown>([
      ...sessionIds,
      ...sessionIds.map((id) => TOMBSTONE + id),
    ]);
    return sessionIds.map((_, i) =>
      values[sessionIds.length + i] || !values[i] ? undefined : (values[i] as SessionRecord),
    );
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    await this.keyv.set(record.sessionId, record, ttlMs);
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    await this.keyv.set(TOMBSTONE + sessionId, 1, ttlMs);
    await this.keyv.delete(sessionId);
  }

  /** Removes every key of this namespace. */
  async clear(): Promise<void> {
    await this.keyv.clear();
  }

  async disconnect(): Promise<void> {
    await this.keyv.disconnect();
  }
}

export const redisUrl = (): string => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** How many commands the Redis server has processed since it started (`INFO stats`). */
export async function redisCommandsProcessed(): Promise<number> {
  const client = createRedisClient({ url: redisUrl() });
  await client.connect();
  try {
    const stats = await client.info('stats');
    return Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? NaN);
  } finally {
    await client.close();
  }
}

/**
 * The README's setup ("Run several instances on Redis"): the app's cache on
 * `@nestjs/cache-manager` with a `createKeyv` store from `@keyv/redis`, and
 * `CacheManagerSessionStore` on that cache. The store is built in `forRootAsync` (as the
 * README's note on prefixes shows) so that `count` can wrap it.
 */
export function readmeRedisSetup(
  url: string,
  namespace: string,
  options: McpModuleOptions,
  count: (store: CacheManagerSessionStore) => SessionStore,
): DynamicModule[] {
  const keyv = createKeyv(url, { namespace, throwOnErrors: true });
  return [
    CacheModule.register({ isGlobal: true, stores: [keyv] }),
    McpModule.forRootAsync({
      inject: [CACHE_MANAGER],
      useFactory: (cache: Cache) => ({
        ...options,
        sessionStore: count(new CacheManagerSessionStore(cache)),
      }),
    }) as DynamicModule,
  ];
}
