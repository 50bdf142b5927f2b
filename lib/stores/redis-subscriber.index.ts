import type {
  ResourceSubscriber,
  ResourceSubscriberIndex,
} from '../interfaces/resource-subscriber-index.interface.js';
import type { RedisConnection } from './redis-connection.js';

/**
 * The {@link ResourceSubscriberIndex} in Redis: one hash per resource,
 * `<prefix>subscribers:<canonical uri>`, from session id to the URI as subscribed.
 */
export class RedisSubscriberIndex implements ResourceSubscriberIndex {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix = 'mcp:',
  ) {}

  async add(resource: string, { sessionId, uri }: ResourceSubscriber): Promise<void> {
    await this.redis.call('subscribe', (client) =>
      client.hSet(this.keyOf(resource), sessionId, uri),
    );
  }

  async remove(resource: string, sessionId: string): Promise<void> {
    await this.redis.call('unsubscribe', (client) => client.hDel(this.keyOf(resource), sessionId));
  }

  async subscribers(resource: string): Promise<ResourceSubscriber[]> {
    const all = await this.redis.call('subscribers', (client) =>
      client.hGetAll(this.keyOf(resource)),
    );
    return Object.entries(all).map(([sessionId, uri]) => ({ sessionId, uri }));
  }

  private keyOf(resource: string): string {
    return `${this.keyPrefix}subscribers:${resource}`;
  }
}
