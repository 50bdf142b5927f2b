import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SessionBus } from '../interfaces/session-bus.interface.js';
import { MCP_SESSION_BUS } from '../mcp.constants.js';
import { LocalChanges } from './local-changes.js';

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
export class McpListChanges {
  private readonly logger = new Logger('McpListChanges');

  constructor(
    private readonly local: LocalChanges,
    @Inject(MCP_SESSION_BUS) private readonly bus: SessionBus | null,
  ) {}

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

  /** Tells this instance's clients, then the other instances (`SessionBusRelay` tells theirs). */
  private async changed(list: 'tools' | 'prompts' | 'resources'): Promise<void> {
    this.local.tell({ list });
    await this.bus
      ?.publishChange({ list })
      .catch((error: unknown) =>
        this.logger.warn(
          `Other instances were not told that the ${list} changed: ${String(error)}`,
        ),
      );
  }
}
