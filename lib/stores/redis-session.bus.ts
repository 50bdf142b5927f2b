import type { ServerChange, SessionBus } from '../interfaces/session-bus.interface.js';
import type { RedisConnection } from './redis-connection.js';

/** A message on the bus: the session it belongs to, and the JSON-RPC message. */
interface Envelope {
  s: string;
  m: unknown;
  /** The instance that broadcast it, which does not hand it to itself. */
  from?: string;
}

/**
 * The {@link SessionBus} on Redis pub/sub. Channels: `<prefix>deleted` (session ids),
 * `<prefix>instance:<id>` (messages for one instance), `<prefix>broadcast` (messages for
 * every instance) and `<prefix>changed` (changes of the server's lists and resources).
 */
export class RedisSessionBus implements SessionBus {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisConnection,
    keyPrefix = 'mcp:',
    /** This instance, whose own broadcasts it skips. */
    private readonly instanceId = '',
  ) {
    this.prefix = keyPrefix;
  }

  async publishDeleted(sessionId: string): Promise<void> {
    await this.publish('publishDeleted', `${this.prefix}deleted`, sessionId);
  }

  async onDeleted(listener: (sessionId: string) => void): Promise<void> {
    await this.redis.subscribe(`${this.prefix}deleted`, listener);
  }

  async sendToInstance(instanceId: string, sessionId: string, message: unknown): Promise<boolean> {
    const envelope: Envelope = { s: sessionId, m: message };
    const receivers = await this.publish(
      'sendToInstance',
      `${this.prefix}instance:${instanceId}`,
      JSON.stringify(envelope),
    );
    return receivers > 0;
  }

  async onInstanceMessage(
    instanceId: string,
    listener: (sessionId: string, message: unknown) => void,
  ): Promise<void> {
    await this.redis.subscribe(`${this.prefix}instance:${instanceId}`, (raw) => {
      const envelope = parse(raw);
      if (envelope) listener(envelope.s, envelope.m);
    });
  }

  async publishChange(change: ServerChange): Promise<void> {
    const envelope: Envelope = { s: '', m: change, from: this.instanceId };
    await this.publish('publishChange', `${this.prefix}changed`, JSON.stringify(envelope));
  }

  async onChange(listener: (change: ServerChange) => void): Promise<void> {
    await this.redis.subscribe(`${this.prefix}changed`, (raw) => {
      const envelope = parse(raw);
      if (envelope && envelope.from !== this.instanceId && typeof envelope.m === 'object') {
        listener(envelope.m as ServerChange);
      }
    });
  }

  async broadcast(sessionId: string, message: unknown): Promise<void> {
    const envelope: Envelope = { s: sessionId, m: message, from: this.instanceId };
    await this.publish('broadcast', `${this.prefix}broadcast`, JSON.stringify(envelope));
  }

  async onBroadcast(listener: (sessionId: string, message: unknown) => void): Promise<void> {
    await this.redis.subscribe(`${this.prefix}broadcast`, (raw) => {
      const envelope = parse(raw);
      if (envelope && envelope.from !== this.instanceId) listener(envelope.s, envelope.m);
    });
  }

  private publish(operation: string, channel: string, message: string): Promise<number> {
    return this.redis.call(operation, (client) => client.publish(channel, message));
  }
}

/** An envelope, or `undefined` for a message no instance of this module wrote. */
function parse(raw: string): Envelope | undefined {
  try {
    const envelope = JSON.parse(raw) as Envelope;
    return typeof envelope?.s === 'string' ? envelope : undefined;
  } catch {
    return undefined;
  }
}
