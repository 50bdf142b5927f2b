import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import type { ServerChange, SessionBus } from '../interfaces/session-bus.interface.js';
import { MCP_RESOLVED_OPTIONS, MCP_SESSION_BUS } from '../mcp.constants.js';
import { ModernEndpoint } from '../sdk/modern/modern-endpoint.js';
import { within } from '../utils/within.util.js';
import { LiveSessions } from './live-sessions.js';

type ListKind = 'tools' | 'prompts' | 'resources';

/**
 * Tells clients that the server's tools, prompts or resources changed (say, after a
 * feature flag flipped what a tool does), as `notifications/<kind>/list_changed`: to every
 * 2025 session live on this instance, to every 2026-07-28 client listening here
 * (`subscriptions/listen`), and with the `redis` option to those of every other instance.
 *
 * @example
 * ```ts
 * constructor(private readonly lists: McpListChanges) {}
 *
 * async onFlagsChanged() {
 *   await this.lists.toolsChanged();
 * }
 * ```
 */
@Injectable()
export class McpListChanges implements OnModuleInit {
  private readonly logger = new Logger('McpListChanges');

  constructor(
    private readonly live: LiveSessions,
    private readonly modern: ModernEndpoint,
    @Inject(MCP_SESSION_BUS) private readonly bus: SessionBus | null,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
  ) {}

  /** Listens for the changes told on the other instances (at most `storeTimeoutMs` at bootstrap). */
  async onModuleInit(): Promise<void> {
    if (!this.bus) return;
    const subscribed = this.bus
      .onChange((change) => this.here(change))
      .catch((error: unknown) =>
        this.logger.warn(`Not listening for other instances' changes: ${String(error)}`),
      );
    await within(this.options.storeTimeoutMs, subscribed).catch(() => undefined);
  }

  /** `notifications/tools/list_changed`, to every client of every instance. */
  toolsChanged(): Promise<void> {
    return this.changed('tools');
  }

  /** `notifications/prompts/list_changed`, to every client of every instance. */
  promptsChanged(): Promise<void> {
    return this.changed('prompts');
  }

  /** `notifications/resources/list_changed`, to every client of every instance. */
  resourcesChanged(): Promise<void> {
    return this.changed('resources');
  }

  private async changed(list: ListKind): Promise<void> {
    this.here({ list });
    await this.bus
      ?.publishChange({ list })
      .catch((error: unknown) =>
        this.logger.warn(
          `Other instances were not told that the ${list} changed: ${String(error)}`,
        ),
      );
  }

  /** Tells the clients of this instance. */
  private here(change: ServerChange): void {
    this.modern.notify(change);
    if (!('list' in change)) return;
    for (const { session } of this.live.values()) {
      const { server } = session;
      if (!server.isConnected()) continue;
      if (change.list === 'tools') server.sendToolListChanged();
      else if (change.list === 'prompts') server.sendPromptListChanged();
      else server.sendResourceListChanged();
    }
  }
}
