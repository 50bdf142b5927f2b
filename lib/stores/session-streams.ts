import { flatCopy } from '../utils/flat-copy.util.js';

/** One event of an {@link InMemoryEventStore}. */
export interface StoredEvent {
  id: string;
  /** The message as JSON: a fraction of the memory of the object it was. */
  json: string;
  at: number;
  stream: StoredStream;
  /** False once dropped; the store-wide queue skips it then. */
  kept: boolean;
}

/** The events of one stream, oldest first; each event knows its stream. */
export interface StoredStream {
  sessionId: string;
  streamId: string;
  events: StoredEvent[];
}

/**
 * The streams of one session of an {@link InMemoryEventStore}, by stream id. Most sessions
 * have events on one stream only, and a `Map` costs more than the event it would index,
 * so the first stream is held alone and a `Map` is made when a second one appears.
 */
export class SessionStreams {
  private held: StoredStream | Map<string, StoredStream> | undefined;

  constructor(private readonly sessionId: string) {}

  get(streamId: string): StoredStream | undefined {
    if (this.held instanceof Map) return this.held.get(streamId);
    return this.held?.streamId === streamId ? this.held : undefined;
  }

  /** The stream `streamId`, made empty if there is none yet. */
  getOrCreate(streamId: string): StoredStream {
    const known = this.get(streamId);
    if (known) return known;
    const stream: StoredStream = {
      sessionId: this.sessionId,
      streamId: flatCopy(streamId),
      events: [],
    };
    if (!this.held) this.held = stream;
    else if (this.held instanceof Map) this.held.set(stream.streamId, stream);
    else this.held = new Map([[this.held.streamId, this.held]]).set(stream.streamId, stream);
    return stream;
  }

  /** Forgets `stream`; returns whether no stream is left. */
  remove(stream: StoredStream): boolean {
    if (this.held instanceof Map) {
      this.held.delete(stream.streamId);
      return this.held.size === 0;
    }
    if (this.held !== stream) return false;
    this.held = undefined;
    return true;
  }

  values(): Iterable<StoredStream> {
    if (this.held instanceof Map) return this.held.values();
    return this.held ? [this.held] : [];
  }

  get size(): number {
    if (this.held instanceof Map) return this.held.size;
    return this.held ? 1 : 0;
  }
}
