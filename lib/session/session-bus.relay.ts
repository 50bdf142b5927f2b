import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import type { SessionBus } from '../interfaces/session-bus.interface.js';
import { MCP_INSTANCE_ID, MCP_RESOLVED_OPTIONS, MCP_SESSION_BUS } from '../mcp.constants.js';
import { within } from '../utils/within.util.js';
import { LiveSessions } from './live-sessions.js';
import { LocalChanges } from './local-changes.js';

/**
 * Relays between the session bus and the sessions live here: a delete through any
 * instance drops the session here at once; a client's answer or cancellation posted to
 * another instance reaches the channel of the session here; a change of the server's lists
 * or resources told on another instance reaches the clients here. Without a bus (or while it
 * is down), other instances learn of a delete by revalidation, within
 * `revalidateIntervalMs`.
 */
@Injectable()
export class SessionBusRelay implements OnModuleInit {
  private readonly logger = new Logger('McpSessionManager');

  constructor(
    @Inject(MCP_SESSION_BUS) private readonly bus: SessionBus | null,
    @Inject(MCP_INSTANCE_ID) private readonly instanceId: string,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly live: LiveSessions,
    private readonly changes: LocalChanges,
  ) {}

  /**
   * Subscribes. Bootstrap waits for it at most `storeTimeoutMs`: with the bus down, the
   * subscriptions are made once it is back.
   */
  async onModuleInit(): Promise<void> {
    const { bus } = this;
    if (!bus) return;
    const subscribed = Promise.all([
      bus.onDeleted((sessionId) => void this.live.markDeleted(sessionId)),
      bus.onInstanceMessage(this.instanceId, (sessionId, message) =>
        this.deliver(sessionId, message),
      ),
      bus.onBroadcast((sessionId, message) =>
        this.live.get(sessionId)?.session.channel.deliver(message),
      ),
      bus.onChange((change) => this.changes.tell(change)),
    ]).catch((error: unknown) =>
      this.logger.warn(`Not listening to the other instances: ${String(error)}`),
    );
    await within(this.options.storeTimeoutMs, subscribed).catch(() => undefined);
  }

  /** Tells the other instances that this session was deleted. */
  async publishDeleted(sessionId: string): Promise<void> {
    await this.bus
      ?.publishDeleted(sessionId)
      .catch((error: unknown) =>
        this.logger.warn(
          `Other instances learn of the delete of ${sessionId} by revalidation: ${String(error)}`,
        ),
      );
  }

  /** A message sent to this instance: the answer to a request one of its sessions sent. */
  private deliver(sessionId: string, message: unknown): void {
    const live = this.live.get(sessionId);
    if (live) return live.session.channel.deliver(message);
    this.logger.warn(`Dropped a message for session ${sessionId}, which is not live here`);
  }
}
