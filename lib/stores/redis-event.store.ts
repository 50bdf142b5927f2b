import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  STANDALONE_STREAM_ID,
  type FollowedStreamSink,
  type McpEventStore,
} from '../interfaces/mcp-event-store.interface.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisEventIds, type RedisEventId } from './redis-event.ids.js';
import {
  PRIMING_JSON,
  followRedisStream,
  type FollowedRedisStream,
} from './redis-stream.follower.js';
import { RedisStreamReader } from './redis-stream.reader.js';

/** Bounds and key names of a {@link RedisEventStore}. */
export interface RedisEventStoreOptions {
  /** Prefix of the keys it writes. Default: `mcp:`. */
  keyPrefix?: string;
  /** Events kept per session and instance, approximately (Redis trims whole nodes). Default: 1000. */
  maxEventsPerSession?: number;
  /** A session's events expire this long after its last event. Default: 30 minutes. */
  ttlMs?: number;
  /** This instance's id among the instances of the server. */
  instanceId: string;
}

/**
 * Where the standalone GET streams go: one Redis stream per session that every instance
 * adds to, named like an instance's (`<prefix>events:{<sessionId>}:get`); no instance id
 * is three characters long.
 */
const STANDALONE_OWNER = 'get';
const REPLAY_BATCH = 500;

/**
 * Keeps SSE events in Redis, so a client can resume a stream on any instance. Each
 * instance writes the events of a session's request streams to a Redis Stream of its own,
 * `<prefix>events:{<sessionId>}:<instanceId>` (the hash tag keeps a session's keys on one
 * Redis Cluster slot); every instance writes the session's standalone GET stream to
 * `<prefix>events:{<sessionId>}:get`, which any instance follows. Each key is listed in
 * `<prefix>events:{<sessionId>}`, so that the session's events can be deleted with it.
 * Each entry holds the SSE stream id and the message; the event id names the key
 * (instance) and the entry.
 *
 * Writes do not hold the request: an event id is made here, and its `XADD` (bounded by
 * `MAXLEN ~`) goes out on the connection while the event goes out; the keys' TTLs are
 * refreshed with it once per quarter of the TTL, so they expire between 3/4 of the TTL
 * and the TTL after the last event. Commands on one connection run in order, so a replay this instance
 * asks for later sees every event it stored before. While Redis is down, events go out
 * unkept.
 */
export class RedisEventStore implements McpEventStore {
  private readonly prefix: string;
  private readonly maxEvents: number;
  private readonly ttlMs: number;
  private readonly ids: RedisEventIds;
  private readonly instanceId: string;
  /** When each session's keys had their TTL refreshed by this instance (a bounded memo). */
  private readonly refreshedAt = new Map<string, number>();
  /** One blocking connection for every stream this instance follows. */
  private readonly reader: RedisStreamReader;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisEventStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? 'mcp:';
    this.maxEvents = options.maxEventsPerSession ?? 1000;
    this.ttlMs = options.ttlMs ?? 30 * 60 * 1000;
    this.ids = new RedisEventIds(options.instanceId);
    this.instanceId = options.instanceId;
    this.reader = new RedisStreamReader(redis);
  }

  /** The key of the list of a session's event keys. */
  keysOf(sessionId: string): string {
    return `${this.prefix}events:{${sessionId}}`;
  }

  /** The key of a session's events written by one instance. */
  keyOf(sessionId: string, instanceId: string): string {
    return `${this.keysOf(sessionId)}:${instanceId}`;
  }

  async storeEvent(sessionId: string, streamId: string, message: JSONRPCMessage): Promise<string> {
    if (streamId === STANDALONE_STREAM_ID) return this.storeStandaloneEvent(sessionId, message);
    const id = this.ids.next();
    const key = this.keyOf(sessionId, id.instanceId);
    const fields = { s: streamId, m: JSON.stringify(message) };
    const trim = { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.maxEvents } as const;
    const now = Date.now();
    // The keys' TTLs are refreshed (and the key listed) once per quarter TTL, not per event.
    const refresh = now - (this.refreshedAt.get(sessionId) ?? 0) > this.ttlMs / 4;
    const write = this.redis.send<unknown>('storeEvent', (client) => {
      if (!refresh) return client.xAdd(key, id.entryId, fields, { TRIM: trim });
      const list = this.keysOf(sessionId);
      return client
        .multi()
        .xAdd(key, id.entryId, fields, { TRIM: trim })
        .sAdd(list, key)
        .pExpire(key, this.ttlMs)
        .pExpire(list, this.ttlMs)
        .execAsPipeline();
    });
    if (refresh) this.refreshed(sessionId, now);
    // RedisConnection logs an outage; the event still goes out, unkept.
    write.catch(() => (refresh ? this.refreshedAt.delete(sessionId) : undefined));
    return id.eventId;
  }

  async getStreamIdForEventId(sessionId: string, eventId: string): Promise<string | undefined> {
    const id = this.ids.parse(eventId);
    if (!id) return undefined;
    return (await this.entry(sessionId, id))?.message.s;
  }

  async replayEventsAfter(
    sessionId: string,
    lastEventId: string,
    send: (eventId: string, message: JSONRPCMessage) => Promise<void>,
  ): Promise<string | undefined> {
    const last = this.ids.parse(lastEventId);
    const streamId = last && (await this.entry(sessionId, last))?.message.s;
    if (!last || streamId === undefined) return undefined;
    const key = this.keyOf(sessionId, last.instanceId);
    for (let after = last.entryId; ;) {
      const entries = await this.redis.call('replayEventsAfter', (client) =>
        client.xRange(key, `(${after}`, '+', { COUNT: REPLAY_BATCH }),
      );
      for (const { id, message } of entries) {
        if (message.s === streamId && message.m !== PRIMING_JSON) {
          await send(
            this.ids.eventId(last.instanceId, id),
            JSON.parse(message.m) as JSONRPCMessage,
          );
        }
      }
      if (entries.length < REPLAY_BATCH) return streamId;
      after = entries[entries.length - 1].id;
    }
  }

  /**
   * Follows a request's stream another instance produces, from `lastEventId` to the
   * stream's answer, or the session's standalone GET stream (from `lastEventId`, or from
   * now on) until the client leaves. This instance's own request streams are left to the
   * SDK.
   */
  async followStream(
    sessionId: string,
    lastEventId: string | undefined,
    sink: FollowedStreamSink,
  ): Promise<boolean> {
    const stream = await this.followedStream(sessionId, lastEventId);
    if (!stream) return false;
    await followRedisStream(this.reader, stream, sink);
    return true;
  }

  async deleteSession(sessionId: string): Promise<void> {
    const list = this.keysOf(sessionId);
    await this.redis.call('deleteSession', async (client) => {
      const keys = await client.sMembers(list);
      await client.del([...keys, list]);
    });
    this.refreshedAt.delete(sessionId);
  }

  /** `XADD` with an id from Redis, since every instance adds to this key. */
  private async storeStandaloneEvent(sessionId: string, message: JSONRPCMessage): Promise<string> {
    const key = this.keyOf(sessionId, STANDALONE_OWNER);
    const list = this.keysOf(sessionId);
    const fields = { s: STANDALONE_STREAM_ID, m: JSON.stringify(message) };
    const trim = { strategy: 'MAXLEN', strategyModifier: '~', threshold: this.maxEvents } as const;
    const [entryId] = await this.redis.call('storeEvent', (client) =>
      client
        .multi()
        .xAdd(key, '*', fields, { TRIM: trim })
        .sAdd(list, key)
        .pExpire(key, this.ttlMs)
        .pExpire(list, this.ttlMs)
        .execAsPipeline(),
    );
    return this.ids.eventId(STANDALONE_OWNER, String(entryId));
  }

  private async followedStream(
    sessionId: string,
    lastEventId: string | undefined,
  ): Promise<FollowedRedisStream | undefined> {
    if (lastEventId === undefined) {
      const key = this.keyOf(sessionId, STANDALONE_OWNER);
      const [latest] = await this.redis.call('followStream', (client) =>
        client.xRevRange(key, '+', '-', { COUNT: 1 }),
      );
      return this.stream(key, latest?.id ?? '0-0', STANDALONE_STREAM_ID, STANDALONE_OWNER);
    }
    const last = this.ids.parse(lastEventId);
    if (!last || last.instanceId === this.instanceId) return undefined;
    const streamId = (await this.entry(sessionId, last))?.message.s;
    if (streamId === undefined) return undefined;
    const key = this.keyOf(sessionId, last.instanceId);
    return this.stream(key, last.entryId, streamId, last.instanceId);
  }

  private stream(key: string, after: string, streamId: string, owner: string) {
    const endsWithAnswer = streamId !== STANDALONE_STREAM_ID;
    const eventId = (entryId: string) => this.ids.eventId(owner, entryId);
    return { key, after, streamId, endsWithAnswer, eventId };
  }

  private entry(sessionId: string, id: RedisEventId) {
    const key = this.keyOf(sessionId, id.instanceId);
    return this.redis
      .call('getStreamIdForEventId', (client) => client.xRange(key, id.entryId, id.entryId))
      .then(([entry]) => entry);
  }

  /** Remembers a refresh; the memo forgets the oldest past 10,000 sessions. */
  private refreshed(sessionId: string, at: number): void {
    this.refreshedAt.delete(sessionId);
    this.refreshedAt.set(sessionId, at);
    if (this.refreshedAt.size > 10_000) {
      this.refreshedAt.delete(this.refreshedAt.keys().next().value!);
    }
  }
}
