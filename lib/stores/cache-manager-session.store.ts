import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { SessionRecord } from '../interfaces/session-record.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import { CACHE_MANAGER, MCP_SESSION_KEY_PREFIX } from '../mcp.constants.js';

type MgetEvent = { keys: string[]; error?: unknown };

/** Stands for a stored value that Keyv could not deserialize. */
const UNPARSABLE = Symbol('unparsable');

/**
 * Keeps session records in the application's `@nestjs/cache-manager` cache, so any Keyv
 * store works (Redis, Valkey, Postgres, ...). Writes `<prefix>session:<id>` and, for
 * deleted sessions, `<prefix>deleted:<id>`.
 *
 * cache-manager turns read errors into misses; this store listens for them, so an outage
 * is reported as one (503) rather than as a missing session (404). A stored value that
 * does not parse is logged and counts as absent, without failing the other sessions read
 * with it. That needs a Keyv
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
    const values = await this.read(keys).catch((error: unknown) => {
      // Keyv's deserializer failed on a value: the store answered, one value is garbage.
      if (!(error instanceof SyntaxError)) throw error;
      return Promise.all(keys.map((key) => this.readOne(key)));
    });
    return sessionIds.map((id, i) => {
      if (values[2 * i + 1] !== undefined) return undefined;
      const record = values[2 * i];
      if (record !== UNPARSABLE) return record as SessionRecord | undefined;
      this.logger.warn(`Ignoring the stored value of session ${id}: it does not parse`);
      return undefined;
    });
  }

  async save(record: SessionRecord, ttlMs: number): Promise<void> {
    await this.cache.set(this.recordKey(record.sessionId), record, ttlMs);
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    await this.cache.set(this.deletedKey(sessionId), 1, ttlMs);
    await this.cache.del(this.recordKey(sessionId));
  }

  /** `mget`, with the read error cache-manager reported for it thrown. */
  private async read(keys: string[]): Promise<unknown[]> {
    const values = await this.cache.mget<unknown>(keys);
    const error = this.readErrors.get(keys);
    if (error !== undefined) throw error;
    return values;
  }

  /** One key alone, so that a value that does not parse spoils no other. */
  private async readOne(key: string): Promise<unknown> {
    try {
      return (await this.read([key]))[0];
    } catch (error) {
      if (error instanceof SyntaxError) return UNPARSABLE;
      throw error;
    }
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
