import { randomBytes } from 'node:crypto';
import { Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { McpEventStore } from '../interfaces/mcp-event-store.interface.js';
import { flatCopy } from '../utils/flat-copy.util.js';
import { SessionStreams, type StoredEvent, type StoredStream } from './session-streams.js';

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

const SWEEP_INTERVAL_MS = 30_000;

/** A priming event carries no message; it is a cursor, never replayed. */
const PRIMING_JSON = '{}';

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
  private readonly sessions = new Map<string, SessionStreams>();
  private readonly index = new Map<string, StoredEvent>();
  /**
   * Every event in the order stored. Slots before `head` are emptied as it passes them, so
   * dropped events are not kept alive; dropped ones after it wait for `compact`.
   */
  private queue: Array<StoredEvent | undefined> = [];
  private head = 0;
  /** Event ids start with a per-process prefix, so ids of a previous process never match. */
  private readonly prefix = randomBytes(6).toString('base64url');
  private seq = 0;
  private readonly sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();

  constructor(@Optional() options: InMemoryEventStoreOptions = {}) {
    this.maxPerStream = options.maxEventsPerStream ?? 1000;
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60 * 1000;
    this.maxTotal = options.maxEvents ?? 10_000;
  }

  async storeEvent(sessionId: string, streamId: string, message: JSONRPCMessage): Promise<string> {
    const at = Date.now();
    const stream = this.streamOf(sessionId, streamId);
    const event: StoredEvent = {
      // `join` builds a flat string, where a template would keep the pieces of this map key.
      id: [this.prefix, (++this.seq).toString(36)].join('-'),
      // JSON.stringify builds its result from pieces, which stay separate objects.
      json: flatCopy(JSON.stringify(message)),
      at,
      stream,
      kept: true,
    };
    // Most streams get one event: an array literal is sized for it, a push reserves 16.
    if (stream.events.length === 0) stream.events = [event];
    else stream.events.push(event);
    this.index.set(event.id, event);
    this.queue.push(event);
    if (stream.events.length > this.maxPerStream) this.drop(stream.events[0]);
    this.dropExpired(at);
    if (this.index.size > this.maxTotal) this.drop(this.oldest());
    return event.id;
  }

  async getStreamIdForEventId(sessionId: string, eventId: string): Promise<string | undefined> {
    const stream = this.index.get(eventId)?.stream;
    return stream?.sessionId === sessionId ? stream.streamId : undefined;
  }

  async replayEventsAfter(
    sessionId: string,
    lastEventId: string,
    send: (eventId: string, message: JSONRPCMessage) => Promise<void>,
  ): Promise<string | undefined> {
    const last = this.index.get(lastEventId);
    if (last?.stream.sessionId !== sessionId) return undefined;
    const { events, streamId } = last.stream;
    for (const event of events.slice(events.indexOf(last) + 1)) {
      if (event.json !== PRIMING_JSON) {
        await send(event.id, JSON.parse(event.json) as JSONRPCMessage);
      }
    }
    return streamId;
  }

  async deleteSession(sessionId: string): Promise<void> {
    const streams = this.sessions.get(sessionId);
    if (!streams) return;
    for (const { events } of streams.values()) {
      for (const event of events) this.forget(event);
    }
    this.sessions.delete(sessionId);
    this.compact();
  }

  /** Number of events held, across sessions. */
  get size(): number {
    return this.index.size;
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private streamOf(sessionId: string, streamId: string): StoredStream {
    let streams = this.sessions.get(sessionId);
    if (!streams) {
      streams = new SessionStreams(sessionId);
      this.sessions.set(sessionId, streams);
    }
    return streams.getOrCreate(streamId);
  }

  /** Forgets a stream that has no event left, and its session once it has no stream. */
  private removeStream(stream: StoredStream): void {
    if (this.sessions.get(stream.sessionId)?.remove(stream)) {
      this.sessions.delete(stream.sessionId);
    }
  }

  /** The oldest event still kept; the caller knows there is one. */
  private oldest(): StoredEvent {
    for (;;) {
      const event = this.queue[this.head] as StoredEvent;
      if (event.kept) return event;
      this.queue[this.head++] = undefined;
    }
  }

  /** Drops events past the age bound, oldest first. */
  private dropExpired(now: number): void {
    while (this.index.size > 0) {
      const event = this.oldest();
      if (now - event.at <= this.maxAgeMs) break;
      this.drop(event);
    }
    this.compact();
  }

  /** Drops the oldest event of its stream, as every bound does. */
  private drop(event: StoredEvent): void {
    const { stream } = event;
    stream.events.shift();
    this.forget(event);
    if (stream.events.length === 0) this.removeStream(stream);
  }

  private forget(event: StoredEvent): void {
    event.kept = false;
    this.index.delete(event.id);
  }

  /** Keeps the queue within a constant factor of the events kept. */
  private compact(): void {
    if (this.queue.length - this.head <= 2 * this.index.size + 1024) {
      if (this.head < 1024 || this.head * 2 < this.queue.length) return;
    }
    this.queue = this.queue.slice(this.head).filter((event) => event?.kept);
    this.head = 0;
  }

  private sweep(): void {
    this.dropExpired(Date.now());
  }
}
