import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { RedisClientType } from '@redis/client';
import { SessionStoreUnavailableError } from '../errors/session-store-unavailable.error.js';
import { within } from '../utils/within.util.js';

/** Where the module's Redis connections go, and how long a command may take. */
export interface RedisConnectionOptions {
  url: string;
  /** A command slower than this fails (the request gets 503). */
  timeoutMs: number;
}

/** Redis as the bus sees it: a command connection, and a subscriber made on first use. */
export type RedisClient = RedisClientType;

/**
 * The module's Redis connections: one for commands, and one for pub/sub made on first
 * use (a subscribed connection takes no other command). Neither holds commands while
 * Redis is down: a command fails at once, or after `timeoutMs`, so the request that
 * needed it gets 503 instead of hanging. Both reconnect by themselves; an outage is
 * logged once when it starts and once when it ends.
 */
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('McpRedis');
  private readonly commands: RedisClient;
  private subscriber?: RedisClient;
  private readonly readers = new Set<RedisClient>();
  private down = false;
  private closed = false;

  /**
   * Opens the connections of the `redis` option. `@redis/client` (node-redis) is loaded
   * only then, so an app without the option does not need it installed.
   */
  static async open(options: RedisConnectionOptions): Promise<RedisConnection> {
    const { createClient } = await import('@redis/client').catch((error: unknown) => {
      throw new Error(
        'McpModule: option "redis" needs the package @redis/client (npm install @redis/client)',
        { cause: error },
      );
    });
    const client = createClient({ url: options.url, disableOfflineQueue: true });
    return new RedisConnection(client as RedisClient, options);
  }

  private constructor(
    commands: RedisClient,
    private readonly options: RedisConnectionOptions,
  ) {
    this.commands = this.watch(commands);
  }

  /**
   * Connects the command connection. Bootstrap waits for it at most `timeoutMs`: an
   * unreachable Redis is logged, not fatal, and the connection is made once it answers.
   */
  async onModuleInit(): Promise<void> {
    const connected = this.commands.connect().catch(() => undefined);
    await within(this.options.timeoutMs, connected).catch(() => undefined);
  }

  /** Last, once the live sessions are closed and their events written. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /**
   * Runs one command (or one pipeline) on the command connection within `timeoutMs`.
   *
   * @throws SessionStoreUnavailableError when Redis does not answer in time.
   */
  async call<T>(operation: string, work: (client: RedisClient) => Promise<T>): Promise<T> {
    if (!this.commands.isReady) {
      throw new SessionStoreUnavailableError(operation, new Error('Redis is not connected'));
    }
    try {
      return await within(this.options.timeoutMs, work(this.commands));
    } catch (error) {
      throw new SessionStoreUnavailableError(operation, error);
    }
  }

  /**
   * Sends one command (or one pipeline) without a time bound, for writes that nothing
   * waits on: it fails at once while Redis is down, and with the connection if it drops.
   *
   * @throws SessionStoreUnavailableError (the promise rejects) when it fails.
   */
  async send<T>(operation: string, work: (client: RedisClient) => Promise<T>): Promise<T> {
    if (!this.commands.isReady) {
      throw new SessionStoreUnavailableError(operation, new Error('Redis is not connected'));
    }
    return work(this.commands).catch((error: unknown) => {
      throw new SessionStoreUnavailableError(operation, error);
    });
  }

  /**
   * A connection of its own for blocking reads (`XREAD BLOCK`), which would hold every
   * other command of a shared one; the caller destroys it when done, or {@link close} does.
   *
   * @throws SessionStoreUnavailableError when Redis does not answer in time.
   */
  async blockingReader(): Promise<RedisClient> {
    const reader = this.commands.duplicate();
    reader.on('error', () => undefined); // the command connection logs outages
    try {
      await within(this.options.timeoutMs, reader.connect());
      this.readers.add(reader);
      reader.on('end', () => this.readers.delete(reader));
      return reader;
    } catch (error) {
      reader.destroy();
      throw new SessionStoreUnavailableError('blockingReader', error);
    }
  }

  /** Calls `listener` with each message published on `channel` (on any instance). */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = this.watch(this.commands.duplicate({ disableOfflineQueue: false }));
      await this.subscriber.connect();
    }
    await this.subscriber.subscribe(channel, listener);
  }

  /** Closes both connections; one still trying to connect is dropped at once. */
  async close(): Promise<void> {
    this.closed = true;
    for (const reader of this.readers) if (reader.isOpen) reader.destroy();
    await Promise.all(
      [this.commands, this.subscriber].map(async (client) => {
        if (!client?.isOpen) return;
        if (client.isReady) await client.close().catch(() => client.destroy());
        else client.destroy();
      }),
    );
  }

  /** Logs an outage once, and the recovery; without an `error` listener a lost connection would crash the process. */
  private watch(client: RedisClient): RedisClient {
    client.on('error', (error: unknown) => {
      if (this.down || this.closed) return;
      this.down = true;
      this.logger.warn(`Redis unavailable, retrying: ${String(error)}`);
    });
    client.on('ready', () => {
      if (!this.down) return;
      this.down = false;
      this.logger.log('Redis answers again');
    });
    return client;
  }
}
