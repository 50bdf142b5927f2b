import { Injectable } from '@nestjs/common';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { canonicalUri } from '../utils/canonical-uri.util.js';

/** Subscriptions meet on a URI's canonical form; a template's URI may not parse as one. */
const keyOf = (uri: string) => canonicalUri(uri) ?? uri;

/**
 * The resource URIs one session subscribed to, and the server that notifies it. URIs
 * are matched in their canonical form, and notified as the client spelled them.
 */
export class SessionSubscriptions {
  /**
   * Canonical URI → the URI as subscribed. Kept in step with the index of
   * {@link McpResourceSubscriptions}.
   */
  readonly uris = new Map<string, string>();

  constructor(private readonly server: McpServer) {}

  /** `uri` as the session subscribed to it, or `undefined` if it did not. */
  subscribedAs(uri: string): string | undefined {
    return this.uris.get(keyOf(uri));
  }

  /** Sends `notifications/resources/updated` if the session subscribed to `uri`. */
  async notify(uri: string): Promise<boolean> {
    const subscribed = this.subscribedAs(uri);
    if (subscribed === undefined || !this.server.isConnected()) return false;
    await this.server.server.sendResourceUpdated({ uri: subscribed });
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
  /** URI → the live sessions subscribed to it, so an update visits only those. */
  private readonly subscribers = new Map<string, Set<SessionSubscriptions>>();

  /**
   * Answers `resources/subscribe` and `resources/unsubscribe` on `server` and declares
   * the `resources.subscribe` capability. Call before the server connects, and
   * {@link detach} once it closed.
   */
  attach(server: McpServer): SessionSubscriptions {
    const session = new SessionSubscriptions(server);
    server.server.registerCapabilities({ resources: { subscribe: true } });
    server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
      this.subscribe(session, request.params.uri);
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      this.unsubscribe(session, request.params.uri);
      return {};
    });
    return session;
  }

  /** Forgets every subscription of a session whose server closed. */
  detach(session: SessionSubscriptions): void {
    for (const uri of [...session.uris.keys()]) this.unsubscribe(session, uri);
  }

  /**
   * Notifies every session of this process subscribed to `uri`.
   *
   * @returns how many sessions were notified.
   */
  async notifyUpdated(uri: string): Promise<number> {
    const sessions = [...(this.subscribers.get(keyOf(uri)) ?? [])];
    const sent = await Promise.all(sessions.map((s) => s.notify(uri).catch(() => false)));
    return sent.filter(Boolean).length;
  }

  private subscribe(session: SessionSubscriptions, uri: string): void {
    const key = keyOf(uri);
    session.uris.set(key, uri);
    let sessions = this.subscribers.get(key);
    if (!sessions) this.subscribers.set(key, (sessions = new Set()));
    sessions.add(session);
  }

  private unsubscribe(session: SessionSubscriptions, uri: string): void {
    const key = keyOf(uri);
    session.uris.delete(key);
    const sessions = this.subscribers.get(key);
    sessions?.delete(session);
    if (sessions?.size === 0) this.subscribers.delete(key);
  }
}
