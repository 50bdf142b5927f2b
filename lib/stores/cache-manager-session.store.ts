import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
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
 * is reported as one (503) rather than as a missing session (404). That needs a Keyv
 * created with `throwOnErrors: true`: `createKeyv(url, { throwOnErrors: true })`, or
 * `new Keyv({ store, namespace, throwOnErrors: true })` for adapters whose `createKeyv`
 * takes no such option (`@keyv/postgres`). A stored value that does not parse is logged
 * and counts as absent, without failing the other sessions read with it. A write that a
 * store reports as failed (it throws, or its `set` answers `false`) throws with any Keyv,
 * so no session id is handed out for a record that was not saved.
 *
 * @example
 * ```ts
 * CacheModule.register({ isGlobal: true, stores: [createKeyv(process.env.REDIS_URL, { namespace: 'mcp', throwOnErrors: true })] }),
 * McpModule.forRoot({ name: 'app', version: '1.0.0', sessionStore: CacheManagerSessionStore }),
 * ```
 */
@Injectable()
export class CacheManagerSessionStore implements SessionStore, OnModuleInit, OnModuleDestroy {
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
  }

  /**
   * Refuses a Keyv that would write the keys under other names than it reads them, and
   * warns about one whose outages may pass for missing sessions (with the app's logger).
   */
  onModuleInit(): void {
    this.ensureKeysReadAsWritten();
    // An in-memory Map cannot be unreachable; any other store can.
    const silent = (store: Cache['stores'][number]) =>
      store.throwOnErrors === false && !(store.store instanceof Map);
    if (this.cache.stores?.some(silent)) {
      this.logger.warn(
        'A Keyv store of the cache does not throw on errors: a store outage may look like ' +
          'missing sessions (404) on restore. Create it with { throwOnErrors: true }.',
      );
    }
  }

  /**
   * Keyv 5.6's `set` leaves a key that already starts with `<namespace>:` as it is, but its
   * `getMany` prefixes it again: with the namespace `mcp` and the key prefix `mcp:`, every
   * restore would miss (stores whose adapter prefixes keys itself, as `@keyv/redis`, are fine).
   */
  private ensureKeysReadAsWritten(): void {
    const key = this.recordKey('id');
    for (const store of this.cache.stores ?? []) {
      // Not every store of a cache is a Keyv (a Cacheable may be).
      if (typeof store._getKeyPrefix !== 'function') continue;
      const written = store._getKeyPrefix(key);
      if (written === store._getKeyPrefixArray([key])[0]) continue;
      throw new Error(
        `CacheManagerSessionStore: a Keyv store of the cache with the namespace "${store.namespace}" ` +
          `writes the key ${key} as ${written} but reads it under another name. Give the Keyv ` +
          `another namespace, or the store another key prefix (MCP_SESSION_KEY_PREFIX).`,
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
    await this.write(this.recordKey(record.sessionId), record, ttlMs);
  }

  async delete(sessionId: string, ttlMs: number): Promise<void> {
    // The deletion marker is what ends the session, so it must be written. Removing the
    // record is tidying: a Keyv that does not throw answers `false` for an absent key too.
    await this.write(this.deletedKey(sessionId), 1, ttlMs);
    await this.cache.del(this.recordKey(sessionId));
  }

  /**
   * Sets the key in every store of the cache, as cache-manager's `set` does, but throws
   * when a store answers `false`: that is how a Keyv without `throwOnErrors` reports a
   * failed write, and cache-manager's `set` drops the answer.
   */
  private async write(key: string, value: unknown, ttlMs: number): Promise<void> {
    const stores = this.cache.stores;
    const saved = await Promise.all(stores.map((store) => store.set(key, value, ttlMs)));
    if (saved.includes(false)) {
      throw new Error(
        `the store did not save ${key} (a Keyv created with { throwOnErrors: true } says why)`,
      );
    }
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
