import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';

/** The token `@nestjs/cache-manager` provides its `Cache` under (same string, no import needed). */
const CACHE_MANAGER = 'CACHE_MANAGER';

/** Optional token: the prefix of the keys this store writes. Default `mcp:`. */
export const MCP_SESSION_KEY_PREFIX = 'MCP_SESSION_KEY_PREFIX';

type MgetEvent = { keys: string[]; error?: unknown };

/**
 * Keeps session records in the application's `@nestjs/cache-manager` cache, so any Keyv
 * store works (Redis, Valkey, Postgres, ...). Writes `<prefix>session:<id>` and, for
 * deleted sessions, `<prefix>deleted:<id>`.
 *
 * cache-manager turns read errors into misses; this store listens for them, so an outage
 * is reported as one (503) rather than as a missing session (404). That needs a Keyv
 * created with `throwOnErrors: true` (`createKeyv(url, { throwOnErrors: true })`).
 *
 * @example
 * ```ts
 * CacheModule.register({ isGlobal: true, stores: [createKeyv(process.env.REDIS_URL, { namespace: 'mcp', throwOnErrors: true })] }),
 * McpModule.forRoot({ name: 'app', version: '1.0.0', sessionStore: CacheManagerSessionStore }),
 * ```
 */
@Injectable()
export class CacheManagerSessionStore implements SessionStore, OnModuleDestroy {
  private readonly logger = new Logger('CacheManagerSessionStore');
  private readonly readErrors = new WeakMap<string[], unknown>();
  private readonly prefix: string;
  private readonly onRead = ({ keys, error }: MgetEvent) => {
    if (error !== undefined) this.readErrors.set(keys, error);
  };

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Optional() @Inject(MCP_SESSION_KEY_PREFIX) prefix?: string,
  ) {
    this.prefix = prefix ?? 'mcp:';
    cache.on('mget', this.onRead as never);
    if (cache.stores?.some((store) => store.throwOnErrors === false)) {
      this.logger.warn(
        'A Keyv store of the cache does not throw on errors: a store outage will look like ' +
          'missing sessions (404). Create it with { throwOnErrors: true }.',
      );
    }
  }

  async load(sessionId: string): Promise<SessionRecord | undefined> {
    const [record] = await this.loadMany([sessionId]);
    return record;
  }

  async loadMany(sessionIds: string[]): Promise<Array<SessionRecord | undefined>> {
    const keys = sessionIds.flatMap((id) => [this.recordKey(id), this.deletedKey(id)]);
    const values = await this.cache.mget<unknown>(keys);
    const error = this.readErrors.get(keys);
    if (error !== undefined) throw error;
    return sessionIds.map((_, i) =>
      values[2 * i + 1] === undefined ? (values[2 * i] as SessionRecord | undefined) : undefined,
    );
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    await this.cache.set(this.recordKey(record.sessionId), record, ttlMs);
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    await this.cache.set(this.deletedKey(sessionId), 1, ttlMs);
    await this.cache.del(this.recordKey(sessionId));
  }

  onModuleDestroy(): void {
    this.cache.off('mget', this.onRead as never);
  }

  private recordKey(sessionId: string): string {
    return `${this.prefix}session:${sessionId}`;
  }

  private deletedKey(sessionId: string): string {
    return `${this.prefix}deleted:${sessionId}`;
  }
}
