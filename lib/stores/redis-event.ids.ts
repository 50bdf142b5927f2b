/** An event id of a {@link RedisEventStore}, taken apart. */
export interface RedisEventId {
  eventId: string;
  /** The instance whose Redis stream holds the event. */
  instanceId: string;
  /** The entry id in that Redis stream (`<ms>-<seq>`). */
  entryId: string;
}

const EVENT_ID = /^([A-Za-z0-9_-]{1,32})~(\d{1,20}-\d{1,20})$/;

/**
 * Event ids made by this instance without asking Redis: `<instanceId>~<ms>-<seq>`, where
 * `<ms>-<seq>` is the explicit, strictly increasing id of the entry in this instance's
 * Redis stream of the session (only this instance writes that stream).
 */
export class RedisEventIds {
  private lastMs = 0;
  private seq = 0;

  constructor(private readonly instanceId: string) {}

  next(): RedisEventId {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.seq = 0;
    } else {
      this.seq++;
    }
    const entryId = `${this.lastMs}-${this.seq}`;
    return {
      eventId: this.eventId(this.instanceId, entryId),
      instanceId: this.instanceId,
      entryId,
    };
  }

  eventId(instanceId: string, entryId: string): string {
    return `${instanceId}~${entryId}`;
  }

  /** The parts of an event id; `undefined` when it cannot be one of ours. */
  parse(eventId: string): RedisEventId | undefined {
    const match = EVENT_ID.exec(eventId);
    return match ? { eventId, instanceId: match[1], entryId: match[2] } : undefined;
  }
}
