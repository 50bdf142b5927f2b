import { randomBytes } from 'node:crypto';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpEventStore } from './mcp-event-store.interface.js';

/** Bounds of an {@link InMemoryEventStore}. */
export interface InMemoryEventStoreOptions {
  /** Events kept per stream; older ones are dropped first. Default: 1000. */
  maxEventsPerStream?: number;
  /** Events older than this are dropped. Default: 5 minutes. */
  maxAgeMs?: number;
  /**
   * Events kept across all sessions, so memory stays bounded however many sessions there
   * are; the oldest are dropped first. Default: 10000.
   */
  maxEvents?: number;
}

interface StoredEvent {
  id: string;
  message: JSONRPCMessage;
  at: number;
}

interface EventLocation {
  sessionId: string;
  streamId: string;
}

const SWEEP_INTERVAL_MS = 30_000;

/** A priming event carries no message; it is a cursor, never replayed. */
const isPriming = (message: JSONRPCMessage) => Object.keys(message).length === 0;

/**
 * The default event store: events live in this process, per session and per stream,
 * bounded in count and in age. A client can resume a stream on the instance that served
 * it; use a shared store to resume on any instance.
 *
 * @example
 * ```ts
 * McpModule.forRoot({
 *   name: 'notes',
 *   version: '1.0.0',
 *   eventStore: new InMemoryEventStore({ maxEventsPerStream: 200, maxAgeMs: 60_000 }),
 * });
 * ```
 */
@Injectable()
export class InMemoryEventStore implements McpEventStore, OnModuleDestroy {
  private readonly maxPerStream: number;
  private readonly maxAgeMs: number;
  private readonly maxTotal: number;
  private readonly sessions = new Map<string, Map<string, StoredEvent[]>>();
  private readonly index = new Map<string, EventLocation>();
  /** Event ids start with a per-process prefix, so ids of a previous process never match. */
  private readonly prefix = randomBytes(6).toString('base64url');
  private seq = 0;
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.maxPerStream = options.maxEventsPerStream ?? 1000;
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60 * 1000;
    this.maxTotal = options.maxEvents ?? 10_000;
  }

  async storeEvent(sessionId: string, streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${this.prefix}-${(++this.seq).toString(36)}`;
    let streams = this.sessions.get(sessionId);
    if (!streams) this.sessions.set(sessionId, (streams = new Map()));
    let events = streams.get(streamId);
    if (!events) streams.set(streamId, (events = []));
    events.push({ id, message, at: Date.now() });
    this.index.set(id, { sessionId, streamId });
    this.trim(events, Date.now());
    if (this.index.size > this.maxTotal) this.dropOldest();
    return id;
  }

  async getStreamIdForEventId(sessionId: string, eventId: string): Promise<string | undefined> {
    const location = this.index.get(eventId);
    return location?.sessionId === sessionId ? location.streamId : undefined;
  }

  async replayEventsAfter(
    sessionId: string,
    lastEventId: string,
    send: (eventId: string, message: JSONRPCMessage) => Promise<void>,
  ): Promise<string | undefined> {
    const streamId = await this.getStreamIdForEventId(sessionId, lastEventId);
    if (streamId === undefined) return undefined;
    const events = this.sessions.get(sessionId)?.get(streamId) ?? [];
    const after = events.findIndex((event) => event.id === lastEventId) + 1;
    for (const event of events.slice(after)) {
      if (!isPriming(event.message)) await send(event.id, event.message);
    }
    return streamId;
  }

  async deleteSession(sessionId: string): Promise<void> {
    const streams = this.sessions.get(sessionId);
    if (!streams) return;
    for (const events of streams.values()) for (const event of events) this.index.delete(event.id);
    this.sessions.delete(sessionId);
  }

  /** Number of events held, across sessions. */
  get size(): number {
    return this.index.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Drops the events beyond the count bound and older than the age bound. */
  private trim(events: StoredEvent[], now: number): void {
    let drop = Math.max(0, events.length - this.maxPerStream);
    while (drop < events.length && now - events[drop].at > this.maxAgeMs) drop++;
    for (const event of events.splice(0, drop)) this.index.delete(event.id);
  }

  /** The index keeps insertion order, so its first entry is the oldest event of all. */
  private dropOldest(): void {
    const [oldestId, location] = this.index.entries().next().value as [string, EventLocation];
    this.index.delete(oldestId);
    const streams = this.sessions.get(location.sessionId);
    const events = streams?.get(location.streamId);
    if (!streams || !events) return;
    events.shift();
    if (events.length > 0) return;
    streams.delete(location.streamId);
    if (streams.size === 0) this.sessions.delete(location.sessionId);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [sessionId, streams] of this.sessions) {
      for (const [streamId, events] of streams) {
        this.trim(events, now);
        if (events.length === 0) streams.delete(streamId);
      }
      if (streams.size === 0) this.sessions.delete(sessionId);
    }
  }
}
