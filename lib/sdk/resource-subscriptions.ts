import { Inject, Injectable } from '@nestjs/common';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  STANDALONE_STREAM_ID,
  type McpEventStore,
} from '../interfaces/mcp-event-store.interface.js';
import type { ResolvedMcpOptions } from '../interfaces/mcp-module-options.interface.js';
import type { ResourceSubscriberIndex } from '../interfaces/resource-subscriber-index.interface.js';
import type { SessionBus } from '../interfaces/session-bus.interface.js';
import type { SessionStore } from '../interfaces/session-store.interface.js';
import {
  MCP_EVENT_STORE,
  MCP_RESOLVED_OPTIONS,
  MCP_SESSION_BUS,
  MCP_SESSION_STORE,
  MCP_SUBSCRIBER_INDEX,
} from '../mcp.constants.js';
import { ModernEndpoint } from './modern/modern-endpoint.js';
import { canonicalUri } from '../utils/canonical-uri.util.js';
import { within } from '../utils/within.util.js';

/** Subscriptions meet on a URI's canonical form; a template's URI may not parse as one. */
const keyOf = (uri: string) => canonicalUri(uri) ?? uri;

/** The notification of an update, as a session's standalone stream carries it. */
const updated = (uri: string) => ({
  jsonrpc: '2.0' as const,
  method: 'notifications/resources/updated',
  params: { uri },
});

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

  constructor(
    private readonly server: McpServer,
    readonly sessionId: string,
  ) {}

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
 * to the sessions that subscribed to a URI. A session's subscriptions are stored with
 * it, and restored with it.
 *
 * Without the `redis` option, it notifies the sessions live in this process. With it,
 * subscribers are indexed in Redis, and an update notified on any instance is added once
 * to the standalone GET stream of every subscribed session that still exists, wherever
 * it is live, if anywhere: the instance that holds the client's GET stream sends it, and a
 * client between connections finds it when it resumes that stream.
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
  /** The index and the streams shared by instances, when there are. */
  private readonly shared?: { index: ResourceSubscriberIndex; events: McpEventStore };

  constructor(
    @Inject(MCP_SUBSCRIBER_INDEX) index: ResourceSubscriberIndex | null,
    @Inject(MCP_EVENT_STORE) events: McpEventStore | null,
    @Inject(MCP_SESSION_STORE) private readonly store: SessionStore,
    @Inject(MCP_RESOLVED_OPTIONS) private readonly options: ResolvedMcpOptions,
    private readonly modern: ModernEndpoint,
    @Inject(MCP_SESSION_BUS) private readonly bus: SessionBus | null,
  ) {
    if (index && events?.followStream) this.shared = { index, events };
  }

  /**
   * Answers `resources/subscribe` and `resources/unsubscribe` on `server` and declares
   * the `resources.subscribe` capability, with the session subscribed to `restored`
   * already. `changed` gets the URIs subscribed after each change. Call before the server
   * connects, and {@link detach} once it closed.
   */
  attach(
    server: McpServer,
    sessionId: string,
    restored: readonly string[] = [],
    changed?: (uris: string[]) => void,
  ): SessionSubscriptions {
    const session = new SessionSubscriptions(server, sessionId);
    for (const uri of restored) this.subscribe(session, uri);
    const report = () => changed?.([...session.uris.values()]);
    server.server.registerCapabilities({ resources: { subscribe: true } });
    server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
      const { uri } = request.params;
      this.subscribe(session, uri);
      report();
      await this.shared?.index.add(keyOf(uri), { sessionId, uri });
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
      this.unsubscribe(session, request.params.uri);
      report();
      await this.shared?.index.remove(keyOf(request.params.uri), sessionId);
      return {};
    });
    return session;
  }

  /** Forgets every subscription of a session whose server closed (here; not in the index). */
  detach(session: SessionSubscriptions): void {
    for (const uri of [...session.uris.keys()]) this.unsubscribe(session, uri);
  }

  /**
   * Notifies every session subscribed to `uri`: those live here, or with the `redis`
   * option every subscribed session of every instance; and the 2026-07-28 clients
   * listening for it (`subscriptions/listen`), on every instance.
   *
   * @returns how many 2025 sessions were notified.
   */
  async notifyUpdated(uri: string): Promise<number> {
    // 2026-07-28 clients listening (`subscriptions/listen`), here and on the other instances.
    this.modern.notify({ resourceUpdated: uri });
    await this.bus?.publishChange({ resourceUpdated: uri }).catch(() => undefined);
    if (this.shared) return this.notifyShared(this.shared, uri);
    const sessions = [...(this.subscribers.get(keyOf(uri)) ?? [])];
    const sent = await Promise.all(sessions.map((s) => s.notify(uri).catch(() => false)));
    return sent.filter(Boolean).length;
  }

  /** Adds the update to each subscriber's GET stream; drops subscribers whose session is gone. */
  private async notifyShared(
    { index, events }: NonNullable<typeof this.shared>,
    uri: string,
  ): Promise<number> {
    const resource = keyOf(uri);
    const subscribers = await index.subscribers(resource);
    if (subscribers.length === 0) return 0;
    const ids = subscribers.map(({ sessionId }) => sessionId);
    // One round trip for every subscriber's record when the store can.
    const records = await within(
      this.options.storeTimeoutMs,
      this.store.loadMany?.(ids) ?? Promise.all(ids.map((id) => this.store.load(id))),
    );
    const sent = await Promise.all(
      subscribers.map(async ({ sessionId, uri: subscribedAs }, i) => {
        if (!records[i]) {
          await index.remove(resource, sessionId);
          return false;
        }
        await events.storeEvent(sessionId, STANDALONE_STREAM_ID, updated(subscribedAs));
        return true;
      }),
    );
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
