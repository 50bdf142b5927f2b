import type { RedisClient, RedisConnection } from './redis-connection.js';

/** An entry of a Redis Stream, as read. */
export interface StreamEntry {
  id: string;
  message: Record<string, string>;
}

interface Follower {
  key: string;
  /** The id of the last entry delivered. */
  after: string;
  /** Takes the entries after `after`, in order; false when it wants no more. */
  deliver: (entries: StreamEntry[]) => Promise<boolean>;
  end: () => void;
}

const BLOCK_MS = 1000;
const READ_BATCH = 500;

/** Orders two entry ids (`<ms>-<seq>`). */
function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(Number);
  const [bMs, bSeq] = b.split('-').map(Number);
  return aMs - bMs || aSeq - bSeq;
}

/**
 * Follows any number of Redis Streams on ONE blocking connection: each loop is a single
 * `XREAD BLOCK` over every followed key, so an instance holds one Redis connection for
 * all its open GET streams, not one each. A follower that joins wakes the blocked read
 * (`CLIENT UNBLOCK`), so it is read at once. If the connection fails, every follower
 * ends (its client resumes from its last event).
 */
export class RedisStreamReader {
  private readonly followers = new Set<Follower>();
  private reader?: Promise<{ client: RedisClient; id: number }>;
  private running = false;

  constructor(private readonly redis: RedisConnection) {}

  /**
   * Makes sure the blocking connection is up.
   *
   * @throws SessionStoreUnavailableError when Redis does not answer.
   */
  async ready(): Promise<void> {
    const { client } = await this.connection();
    if (!client.isReady) {
      this.reader = undefined;
      client.destroy();
      await this.connection();
    }
  }

  /**
   * Hands `deliver` the entries of `key` after `after`, batch by batch, until it returns
   * false, `signal` aborts, or the connection fails.
   */
  follow(
    key: string,
    after: string,
    deliver: Follower['deliver'],
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const follower: Follower = {
        key,
        after,
        deliver,
        end: () => {
          this.followers.delete(follower);
          signal.removeEventListener('abort', follower.end);
          resolve();
        },
      };
      signal.addEventListener('abort', follower.end, { once: true });
      this.followers.add(follower);
      if (this.running) void this.wake();
      else void this.run();
    });
  }

  private connection() {
    this.reader ??= this.redis.blockingReader().then(async (client) => ({
      client,
      id: await client.clientId(),
    }));
    return this.reader.catch((error: unknown) => {
      this.reader = undefined;
      throw error;
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.followers.size > 0) await this.readOnce();
    } catch {
      for (const follower of [...this.followers]) follower.end();
    } finally {
      this.running = false;
    }
  }

  private async readOnce(): Promise<void> {
    const { client } = await this.connection();
    const from = new Map<string, string>();
    for (const { key, after } of this.followers) {
      const known = from.get(key);
      if (known === undefined || compareIds(after, known) < 0) from.set(key, after);
    }
    const streams = [...from].map(([key, id]) => ({ key, id }));
    const read = await client.xRead(streams, { BLOCK: BLOCK_MS, COUNT: READ_BATCH });
    for (const { name, messages } of (read ?? []) as Array<{
      name: string;
      messages: StreamEntry[];
    }>) {
      for (const follower of [...this.followers]) {
        if (follower.key !== name) continue;
        const fresh = messages.filter((entry) => compareIds(entry.id, follower.after) > 0);
        if (fresh.length === 0) continue;
        follower.after = fresh[fresh.length - 1].id;
        if (!(await follower.deliver(fresh).catch(() => false))) follower.end();
      }
    }
  }

  /** Ends the blocked read early, so that the next one covers a new follower. */
  private async wake(): Promise<void> {
    const reader = await this.reader?.catch(() => undefined);
    if (!reader) return;
    await this.redis
      .send('followStream', (client) =>
        client.sendCommand(['CLIENT', 'UNBLOCK', String(reader.id)]),
      )
      .catch(() => undefined);
  }
}
