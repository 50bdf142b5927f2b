import { Injectable } from '@nestjs/common';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';

/** The resource URIs one session subscribed to, and the server that notifies it. */
export class SessionSubscriptions {
  private readonly uris = new Set<string>();

  constructor(private readonly server: McpServer) {}

  has(uri: string): boolean {
    return this.uris.has(uri);
  }

  add(uri: string): void {
    this.uris.add(uri);
  }

  remove(uri: string): void {
    this.uris.delete(uri);
  }

  /** Sends `notifications/resources/updated` if the session subscribed to `uri`. */
  async notify(uri: string): Promise<boolean> {
    if (!this.uris.has(uri) || !this.server.isConnected()) return false;
    await this.server.server.sendResourceUpdated({ uri });
    return true;
  }
}

/**
 * Tracks `resources/subscribe` per session and sends `notifications/resources/updated`
 * to the sessions live in this process that subscribed to a URI.
 *
 * @example
 * ```ts
 * constructor(private readonly subscriptions: McpResourceSubscriptions) {}
 *
 * async onConfigChanged() {
 *   await this.subscriptions.notifyUpdated('config://app');
 * }
 * ```
 */
@Injectable()
export class McpResourceSubscriptions {
  private readonly sessions = new Set<SessionSubscriptions>();

  /**
   * Answers `resources/subscribe` and `resources/unsubscribe` on `server` and declares
   * the `resources.subscribe` capability. Call before the server connects.
   */
  attach(server: McpServer): SessionSubscriptions {
    const session = new SessionSubscriptions(server);
    server.server.registerCapabilities({ resources: { subscribe: true } });
    server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
      session.add(request.params.uri);
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      session.remove(request.params.uri);
      return {};
    });
    this.sessions.add(session);
    const previous = server.server.onclose;
    server.server.onclose = () => {
      this.sessions.delete(session);
      previous?.();
    };
    return session;
  }

  /**
   * Notifies every session of this process subscribed to `uri`.
   *
   * @returns how many sessions were notified.
   */
  async notifyUpdated(uri: string): Promise<number> {
    const sent = await Promise.all([...this.sessions].map((s) => s.notify(uri).catch(() => false)));
    return sent.filter(Boolean).length;
  }
}
